// BoundedHttpServer serving HTTPS (the callback listener without a proxy): TLS 1.2 or later,
// the handshake bounded like a request, pipelined and large requests over TLS, and certificates
// that rotate without a restart. Real sockets, a real OpenSSL client, a throwaway PKI.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <memory>
#include <string>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/http/bounded_http_server.h"
#include "server/http/tls_context.h"
#include "tests/server/http/tls_test_client.h"
#include "tests/support/test_pki.h"

namespace barion_gateway::server {
namespace {

using testing::HasSubstr;
using testing::StartsWith;
using testing_support::TestCa;
using testing_support::TestCertificate;
using testing_support::TlsTestClient;

class TlsServerTest : public testing::Test {
 protected:
  void SetUp() override {
    static std::atomic<int> n{0};
    dir_ = absl::StrCat(::testing::TempDir(), "/tls-server-", n++);
    mkdir(dir_.c_str(), 0700);
    ca_ = TestCa::Create(dir_, "ca");
    leaf_ = ca_->Issue("listener", {"IP:127.0.0.1"});
  }

  ReloadingTlsContext::Files Files(absl::Duration refresh = absl::Seconds(60)) {
    ReloadingTlsContext::Files files;
    files.cert_file = leaf_.cert_file;
    files.key_file = leaf_.key_file;
    files.cert_setting = "listen.callback_tls_cert_file";
    files.key_setting = "listen.callback_tls_key_file";
    files.refresh_interval = refresh;
    return files;
  }

  void Start(BoundedHttpServer::Options options = {}, absl::Duration refresh = absl::Seconds(60)) {
    absl::StatusOr<std::unique_ptr<ReloadingTlsContext>> tls =
        ReloadingTlsContext::Load(Files(refresh));
    ASSERT_TRUE(tls.ok()) << tls.status();
    tls_ = *std::move(tls);
    options.tls = tls_;
    options.on_tls_handshake_failure = [this] { handshake_failures_.fetch_add(1); };
    auto server = BoundedHttpServer::Start(options, [](const ServedRequest& r) {
      return ServedResponse{200, absl::StrCat(r.method, " ", r.target, " ", r.body.size())};
    });
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
  }

  std::unique_ptr<TlsTestClient> Client(std::string* error, int max_version = 0) {
    TlsTestClient::Options options;
    options.ca_file = ca_->certificate().cert_file;
    options.max_version = max_version;
    return TlsTestClient::Connect(server_->port(), options, error);
  }

  // A plain TCP connection to the server.
  int RawConnect() {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(server_->port()));
    ::inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
    EXPECT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
    timeval tv{5, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    return fd;
  }

  std::string dir_;
  std::unique_ptr<TestCa> ca_;
  TestCertificate leaf_;
  std::shared_ptr<ReloadingTlsContext> tls_;
  std::unique_ptr<BoundedHttpServer> server_;
  std::atomic<int> handshake_failures_{0};
};

constexpr char kGet[] = "GET /health HTTP/1.1\r\nHost: x\r\n\r\n";

TEST_F(TlsServerTest, AnswersAClientThatVerifiesItsCertificate) {
  Start();
  std::string error;
  auto client = Client(&error);
  ASSERT_NE(client, nullptr) << error;
  ASSERT_TRUE(client->Send(kGet));
  const std::string answer = client->ReadAnswer();
  EXPECT_THAT(answer, StartsWith("HTTP/1.1 200 OK\r\n"));
  EXPECT_THAT(answer, HasSubstr("GET /health 0"));
  EXPECT_EQ(client->PeerCertificatePem(), leaf_.cert_pem);
  // Kept alive: a second request on the same TLS connection.
  ASSERT_TRUE(client->Send(kGet));
  EXPECT_THAT(client->ReadAnswer(), StartsWith("HTTP/1.1 200 OK\r\n"));
  EXPECT_EQ(handshake_failures_.load(), 0);
}

TEST_F(TlsServerTest, RefusesTlsBelow12) {
  Start();
  EXPECT_EQ(SSL_CTX_get_min_proto_version(tls_->Current(absl::Now())), TLS1_2_VERSION);
  std::string error;
  EXPECT_EQ(Client(&error, TLS1_1_VERSION), nullptr);
  EXPECT_THAT(error, HasSubstr("handshake failed"));
  auto ok = Client(&error, TLS1_2_VERSION);
  EXPECT_NE(ok, nullptr) << error;
}

TEST_F(TlsServerTest, PipelinedAndLargeRequestsOverTlsAreAllAnswered) {
  BoundedHttpServer::Options options;
  options.limits.max_body_bytes = 64 * 1024;
  Start(options);
  std::string error;
  auto client = Client(&error);
  ASSERT_NE(client, nullptr) << error;
  // Two requests in one TLS record, then two records sent before any answer is read.
  ASSERT_TRUE(client->Send(absl::StrCat(kGet, kGet)));
  ASSERT_TRUE(client->Send(kGet));
  ASSERT_TRUE(client->Send(kGet));
  for (int i = 0; i < 4; ++i) {
    EXPECT_THAT(client->ReadAnswer(), StartsWith("HTTP/1.1 200 OK\r\n")) << i;
  }
  // A body larger than one TLS record (16 KiB) arrives in several.
  const std::string body(40000, 'b');
  ASSERT_TRUE(client->Send(absl::StrCat(
      "POST /callback HTTP/1.1\r\nHost: x\r\nContent-Length: ", body.size(), "\r\n\r\n", body)));
  EXPECT_THAT(client->ReadAnswer(), HasSubstr("POST /callback 40000"));
}

TEST_F(TlsServerTest, PlainHttpOnTheTlsPortGetsNoAnswerAndIsCounted) {
  Start();
  const int fd = RawConnect();
  ASSERT_GT(::send(fd, kGet, sizeof(kGet) - 1, 0), 0);
  char buffer[512];
  const ssize_t n = ::recv(fd, buffer, sizeof(buffer), 0);
  // OpenSSL may answer with a TLS alert record; never with HTTP.
  if (n > 0) {
    EXPECT_THAT(std::string(buffer, n), testing::Not(HasSubstr("HTTP/1.1")));
  }
  ::close(fd);
  const absl::Time deadline = absl::Now() + absl::Seconds(5);
  while (handshake_failures_.load() == 0 && absl::Now() < deadline) {
    absl::SleepFor(absl::Milliseconds(5));
  }
  EXPECT_EQ(handshake_failures_.load(), 1);
}

TEST_F(TlsServerTest, AHandshakeThatDoesNotFinishIsCutOffAtTheRequestTimeout) {
  BoundedHttpServer::Options options;
  options.request_timeout = absl::Milliseconds(300);
  options.idle_timeout = absl::Seconds(30);  // the handshake is not idle time
  Start(options);
  const int fd = RawConnect();
  ASSERT_EQ(::send(fd, "\x16\x03\x01", 3, 0), 3);  // the start of a ClientHello, no more
  const absl::Time start = absl::Now();
  char buffer[64];
  const ssize_t n = ::recv(fd, buffer, sizeof(buffer), 0);  // the server closes
  EXPECT_LE(n, 0);
  EXPECT_GE(absl::Now() - start, absl::Milliseconds(250));
  EXPECT_LT(absl::Now() - start, absl::Seconds(3));
  ::close(fd);
  EXPECT_EQ(handshake_failures_.load(), 1);
}

TEST_F(TlsServerTest, SlowHandshakesAreEvictedFirstAtTheConnectionLimit) {
  BoundedHttpServer::Options options;
  options.max_connections = 4;
  Start(options);
  int stalled[4];
  for (int& fd : stalled) fd = RawConnect();
  absl::SleepFor(absl::Milliseconds(100));
  std::string error;
  auto client = Client(&error);  // evicts one stalled handshake
  ASSERT_NE(client, nullptr) << error;
  ASSERT_TRUE(client->Send(kGet));
  EXPECT_THAT(client->ReadAnswer(), StartsWith("HTTP/1.1 200 OK\r\n"));
  for (int fd : stalled) ::close(fd);
}

TEST_F(TlsServerTest, ARotatedCertificateIsServedToNewConnectionsWithoutARestart) {
  Start({}, /*refresh=*/absl::Milliseconds(100));
  std::string error;
  auto before = Client(&error);
  ASSERT_NE(before, nullptr) << error;
  const TestCertificate rotated = ca_->IssueInto(leaf_, {"IP:127.0.0.1", "DNS:rotated.test"});
  const absl::Time deadline = absl::Now() + absl::Seconds(10);
  std::string served;
  while (absl::Now() < deadline) {
    auto after = Client(&error);
    ASSERT_NE(after, nullptr) << error;
    served = after->PeerCertificatePem();
    if (served == rotated.cert_pem) break;
    absl::SleepFor(absl::Milliseconds(50));
  }
  EXPECT_EQ(served, rotated.cert_pem);
  EXPECT_EQ(tls_->reloads(), 1);
  // The connection made before the rotation goes on with its own session.
  ASSERT_TRUE(before->Send(kGet));
  EXPECT_THAT(before->ReadAnswer(), StartsWith("HTTP/1.1 200 OK\r\n"));
}

TEST_F(TlsServerTest, AHalfDoneRotationKeepsTheLastGoodCertificate) {
  Start({}, /*refresh=*/absl::Milliseconds(50));
  // A new certificate whose key has not been written yet.
  const TestCertificate other = ca_->Issue("other", {"IP:127.0.0.1"});
  {
    FILE* f = fopen(leaf_.cert_file.c_str(), "w");
    fputs(other.cert_pem.c_str(), f);
    fclose(f);
  }
  absl::SleepFor(absl::Milliseconds(200));
  std::string error;
  for (int i = 0; i < 3; ++i) {
    auto client = Client(&error);
    ASSERT_NE(client, nullptr) << error;
    EXPECT_EQ(client->PeerCertificatePem(), leaf_.cert_pem);
    absl::SleepFor(absl::Milliseconds(60));
  }
  EXPECT_EQ(tls_->reloads(), 0);
  EXPECT_EQ(tls_->failed_loads(), 1);  // counted (and logged) once, not every interval
}

TEST_F(TlsServerTest, LoadNamesTheSettingAtFaultAndNeverEchoesTheKey) {
  ReloadingTlsContext::Files files = Files();
  files.key_file = dir_ + "/missing.pem";
  auto missing = ReloadingTlsContext::Load(files);
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(missing.status().message(), HasSubstr("listen.callback_tls_key_file"));

  const TestCertificate other = ca_->Issue("other", {"IP:127.0.0.1"});
  files = Files();
  files.key_file = other.key_file;  // a key of another certificate
  auto mismatched = ReloadingTlsContext::Load(files);
  EXPECT_THAT(mismatched.status().message(), HasSubstr("does not belong"));

  files = Files();
  files.cert_file = leaf_.key_file;  // the key pasted where the certificate belongs
  auto swapped = ReloadingTlsContext::Load(files);
  EXPECT_THAT(swapped.status().message(), HasSubstr("listen.callback_tls_cert_file"));
  const std::string key_body = leaf_.key_pem.substr(leaf_.key_pem.find('\n') + 1, 40);
  for (const auto* status : {&missing.status(), &mismatched.status(), &swapped.status()}) {
    EXPECT_THAT(status->message(), testing::Not(HasSubstr(key_body)));
  }
  files = Files();
  files.key_file.clear();
  EXPECT_THAT(ReloadingTlsContext::Load(files).status().message(), HasSubstr("both"));
}

}  // namespace
}  // namespace barion_gateway::server
