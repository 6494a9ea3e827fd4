// The sandbox sends callbacks as Barion does: https only (TLS 1.2 or later, the receiver's
// certificate verified), plain http only to loopback. Real receivers on loopback sockets.
#include "sandbox/callback_sender.h"

#include <openssl/ssl.h>

#include <atomic>
#include <memory>
#include <string>
#include <thread>

#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "httplib.h"
#include "tests/support/test_pki.h"

namespace barion_gateway::sandbox {
namespace {

using testing::HasSubstr;
using testing_support::TestCa;
using testing_support::TestCertificate;

// Runs `server` on a free loopback port until the fixture ends; counts what it received.
class Receiver {
 public:
  explicit Receiver(std::unique_ptr<httplib::Server> server) : server_(std::move(server)) {
    server_->Post("/cb", [this](const httplib::Request& req, httplib::Response& res) {
      body_ = req.body;
      received_.fetch_add(1);
      res.set_content("ok", "text/plain");
    });
    port_ = server_->bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_->listen_after_bind(); });
  }
  ~Receiver() {
    server_->stop();
    thread_.join();
  }
  int port() const { return port_; }
  int received() const { return received_.load(); }
  const std::string& body() const { return body_; }
  httplib::Server& server() { return *server_; }

 private:
  std::unique_ptr<httplib::Server> server_;
  int port_ = 0;
  std::thread thread_;
  std::atomic<int> received_{0};
  std::string body_;
};

class CallbackSenderTest : public testing::Test {
 protected:
  void SetUp() override {
    ca_ = TestCa::Create(::testing::TempDir(), "callback-ca");
    other_ca_ = TestCa::Create(::testing::TempDir(), "other-ca");
    leaf_ = ca_->Issue("callback-receiver", {"IP:127.0.0.1", "DNS:localhost"});
  }

  std::unique_ptr<httplib::SSLServer> TlsServer() {
    return std::make_unique<httplib::SSLServer>(leaf_.cert_file.c_str(), leaf_.key_file.c_str());
  }

  CallbackSendOptions Trusting(const TestCa& ca) {
    CallbackSendOptions options;
    options.timeout = absl::Seconds(5);
    options.ca_file = ca.certificate().cert_file;
    return options;
  }

  std::unique_ptr<TestCa> ca_;
  std::unique_ptr<TestCa> other_ca_;
  TestCertificate leaf_;
};

TEST_F(CallbackSenderTest, PostsTheFormToAnHttpsReceiverWhoseCertificateItTrusts) {
  Receiver receiver(TlsServer());
  const CallbackSendResult sent =
      SendCallback("https://127.0.0.1:" + std::to_string(receiver.port()) + "/cb?paymentId=p1",
                   "paymentId=p1", Trusting(*ca_));
  EXPECT_EQ(sent.http_status, 200) << sent.error;
  EXPECT_EQ(receiver.received(), 1);
  EXPECT_EQ(receiver.body(), "paymentId=p1");
}

TEST_F(CallbackSenderTest, DoesNotCallAReceiverWhoseCertificateDoesNotVerify) {
  Receiver receiver(TlsServer());
  const CallbackSendResult sent =
      SendCallback("https://127.0.0.1:" + std::to_string(receiver.port()) + "/cb", "paymentId=p1",
                   Trusting(*other_ca_));
  EXPECT_EQ(sent.http_status, 0);
  EXPECT_THAT(sent.error, HasSubstr("SSL"));
  EXPECT_FALSE(sent.final);  // Barion retries: the receiver may fix its certificate
  EXPECT_EQ(receiver.received(), 0);
}

// OpenSSL 3's default security level refuses TLS 1.1 as well; the sender also sets the minimum
// itself, so the rule does not hang on a system-wide setting.
TEST_F(CallbackSenderTest, RefusesAReceiverThatSpeaksOnlyTlsBelow12) {
  auto server = TlsServer();
  SSL_CTX* ctx = server->ssl_context();
  SSL_CTX_set_security_level(ctx, 0);
  SSL_CTX_set_min_proto_version(ctx, TLS1_VERSION);
  SSL_CTX_set_max_proto_version(ctx, TLS1_1_VERSION);
  SSL_CTX_set_cipher_list(ctx, "ALL:@SECLEVEL=0");
  Receiver receiver(std::move(server));
  const CallbackSendResult sent =
      SendCallback("https://127.0.0.1:" + std::to_string(receiver.port()) + "/cb", "paymentId=p1",
                   Trusting(*ca_));
  EXPECT_EQ(sent.http_status, 0);
  EXPECT_EQ(receiver.received(), 0);
}

TEST_F(CallbackSenderTest, CallsPlainHttpOnlyOnLoopback) {
  Receiver receiver(std::make_unique<httplib::Server>());
  const CallbackSendResult local = SendCallback(
      "http://127.0.0.1:" + std::to_string(receiver.port()) + "/cb", "paymentId=p1", {});
  EXPECT_EQ(local.http_status, 200) << local.error;

  // TEST-NET-1 is never routed: were it tried, the call would wait for the timeout.
  const absl::Time start = absl::Now();
  for (const char* url : {"http://192.0.2.10:8090/cb", "http://127.corp.example/cb",
                          "http://pay.example.com/callback/demo/x"}) {
    CallbackSendOptions options;
    options.timeout = absl::Seconds(5);
    const CallbackSendResult remote = SendCallback(url, "paymentId=p1", options);
    EXPECT_EQ(remote.http_status, 0) << url;
    EXPECT_THAT(remote.error, HasSubstr("not https")) << url;
    EXPECT_TRUE(remote.final) << url;
  }
  EXPECT_LT(absl::Now() - start, absl::Seconds(1));
}

TEST_F(CallbackSenderTest, RefusesWhatIsNotAnHttpUrl) {
  for (const char* url : {"ftp://127.0.0.1/cb", "127.0.0.1:8090/cb", "https://[::1/cb",
                          "https://127.0.0.1:99999/cb"}) {
    const CallbackSendResult sent = SendCallback(url, "paymentId=p1", {});
    EXPECT_EQ(sent.http_status, 0) << url;
    EXPECT_TRUE(sent.final) << url;
  }
}

}  // namespace
}  // namespace barion_gateway::sandbox
