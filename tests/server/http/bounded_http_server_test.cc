// BoundedHttpServer over plain HTTP on its own, with raw sockets: answers and their framing,
// keep-alive and pipelining, what a hostile client can make it spend (a whole request within
// request_timeout however slowly it trickles, an idle connection within idle_timeout, the
// longest-waiting connection closed at max_connections, limits on headers and bodies), a slow
// handler that does not hold up other connections, and a clean Stop.
#include "server/http/bounded_http_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace barion_gateway::server {
namespace {

using testing::HasSubstr;
using testing::StartsWith;

// A blocking client socket with a receive timeout.
class RawClient {
 public:
  explicit RawClient(int port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    ::inet_pton(AF_INET, "127.0.0.1", &address.sin_addr);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0;
  }
  ~RawClient() {
    if (fd_ >= 0) ::close(fd_);
  }
  bool connected() const { return connected_; }
  bool Send(const std::string& bytes) {
    return ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL) ==
           static_cast<ssize_t>(bytes.size());
  }
  // Everything until the server closes or `timeout` passes.
  std::string ReadUntilClosed(absl::Duration timeout = absl::Seconds(10)) {
    return ReadWhile([](const std::string&) { return true; }, timeout);
  }
  // Reads until `count` answers' ends ("\r\n\r\n" and a body of Content-Length) or timeout.
  std::string ReadAnswers(int count, absl::Duration timeout = absl::Seconds(10)) {
    return ReadWhile([count](const std::string& text) { return Complete(text) < count; }, timeout);
  }
  bool closed() const { return closed_; }

 private:
  // Reads while `more(what was read)`, the server keeps the connection and `timeout` allows.
  template <typename More>
  std::string ReadWhile(More more, absl::Duration timeout) {
    std::string out;
    const absl::Time deadline = absl::Now() + timeout;
    while (more(out) && absl::Now() < deadline) {
      if (!Wait(deadline)) break;
      char buffer[4096];
      const ssize_t n = ::recv(fd_, buffer, sizeof(buffer), 0);
      if (n <= 0) {
        closed_ = true;
        break;
      }
      out.append(buffer, n);
    }
    return out;
  }
  bool Wait(absl::Time deadline) {
    pollfd p{fd_, POLLIN, 0};
    const int ms = static_cast<int>(absl::ToInt64Milliseconds(deadline - absl::Now()));
    return ::poll(&p, 1, std::max(ms, 0)) > 0;
  }
  static int Complete(const std::string& text) {
    int answers = 0;
    size_t at = 0;
    while (true) {
      const size_t end = text.find("\r\n\r\n", at);
      if (end == std::string::npos) return answers;
      const size_t length = text.find("Content-Length: ", at);
      size_t body = 0;
      if (length != std::string::npos && length < end) body = std::stoul(text.substr(length + 16));
      if (text.size() < end + 4 + body) return answers;
      ++answers;
      at = end + 4 + body;
    }
  }

  int fd_ = -1;
  bool connected_ = false;
  bool closed_ = false;
};

class BoundedHttpServerTest : public testing::Test {
 protected:
  void Start(BoundedHttpServer::Options options = {},
             BoundedHttpServer::Handler handler = nullptr) {
    if (!handler) {
      handler = [](const ServedRequest& r) {
        return ServedResponse{
            200, absl::StrCat(r.method, " ", r.target, " ", r.body), {{"X-Peer", r.peer}}};
      };
    }
    absl::StatusOr<std::unique_ptr<BoundedHttpServer>> server =
        BoundedHttpServer::Start(options, handler);
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
  }
  int port() const { return server_->port(); }

  std::unique_ptr<BoundedHttpServer> server_;
};

TEST_F(BoundedHttpServerTest, AnswersWithFramingAndKeepsTheConnectionForTheNextRequest) {
  Start();
  RawClient client(port());
  ASSERT_TRUE(client.connected());
  ASSERT_TRUE(
      client.Send("POST /callback?x=1 HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nhello"));
  const std::string first = client.ReadAnswers(1);
  EXPECT_THAT(first, StartsWith("HTTP/1.1 200 OK\r\n"));
  EXPECT_THAT(first, HasSubstr("Content-Length: 24\r\n"));
  EXPECT_THAT(first, HasSubstr("X-Peer: 127.0.0.1\r\n"));
  EXPECT_TRUE(absl::EndsWith(first, "POST /callback?x=1 hello"));
  // Keep-alive: the same connection serves a second request; then a pipelined pair.
  ASSERT_TRUE(client.Send("GET /a HTTP/1.1\r\nHost: h\r\n\r\n"));
  EXPECT_TRUE(absl::EndsWith(client.ReadAnswers(1), "GET /a "));
  ASSERT_TRUE(
      client.Send("GET /b HTTP/1.1\r\nHost: h\r\n\r\nGET /c HTTP/1.1\r\nHost: h\r\n"
                  "Connection: close\r\n\r\n"));
  const std::string pair = client.ReadUntilClosed();
  EXPECT_THAT(pair, HasSubstr("GET /b "));
  EXPECT_TRUE(absl::EndsWith(pair, "GET /c ")) << pair;
  EXPECT_THAT(pair, HasSubstr("Connection: close\r\n"));
  EXPECT_TRUE(client.closed());
}

TEST_F(BoundedHttpServerTest, HeadAnswersCarryNoBody) {
  Start();
  RawClient client(port());
  ASSERT_TRUE(client.Send("HEAD /x HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n"));
  const std::string answer = client.ReadUntilClosed();
  EXPECT_THAT(answer, StartsWith("HTTP/1.1 200 OK\r\n"));
  EXPECT_TRUE(absl::EndsWith(answer, "\r\n\r\n")) << answer;
}

TEST_F(BoundedHttpServerTest, ATrickledRequestIsCutOffAtTheRequestTimeoutWith408) {
  BoundedHttpServer::Options options;
  options.request_timeout = absl::Seconds(1);
  options.idle_timeout = absl::Seconds(30);
  Start(options);
  RawClient client(port());
  const absl::Time start = absl::Now();
  // One byte every 100 ms: each read is quick, the request never completes.
  const std::string request = "POST /callback HTTP/1.1\r\nHost: h\r\nX-Slow: ";
  for (char c : request) {
    if (!client.Send(std::string(1, c))) break;
    absl::SleepFor(absl::Milliseconds(100));
    if (absl::Now() - start > absl::Seconds(3)) break;
  }
  const std::string answer = client.ReadUntilClosed(absl::Seconds(5));
  EXPECT_THAT(answer, StartsWith("HTTP/1.1 408 "));
  EXPECT_LT(absl::Now() - start, absl::Seconds(4)) << "bounded per request, not per read";
}

TEST_F(BoundedHttpServerTest, AnIdleConnectionIsClosedAfterTheIdleTimeoutWithoutAnAnswer) {
  BoundedHttpServer::Options options;
  options.idle_timeout = absl::Milliseconds(300);
  Start(options);
  RawClient client(port());
  const absl::Time start = absl::Now();
  EXPECT_EQ(client.ReadUntilClosed(absl::Seconds(5)), "");
  EXPECT_TRUE(client.closed());
  EXPECT_LT(absl::Now() - start, absl::Seconds(3));
}

TEST_F(BoundedHttpServerTest, AtTheConnectionLimitTheLongestWaitingConnectionGoesFirst) {
  BoundedHttpServer::Options options;
  options.max_connections = 3;
  options.idle_timeout = absl::Seconds(30);
  options.request_timeout = absl::Seconds(30);
  Start(options);
  std::vector<std::unique_ptr<RawClient>> idle;
  for (int i = 0; i < 3; ++i) {
    idle.push_back(std::make_unique<RawClient>(port()));
    absl::SleepFor(absl::Milliseconds(50));  // an order of waiting
  }
  RawClient fresh(port());
  ASSERT_TRUE(fresh.Send("GET /new HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n"));
  EXPECT_TRUE(absl::EndsWith(fresh.ReadUntilClosed(), "GET /new ")) << "a new client is served";
  EXPECT_EQ(idle[0]->ReadUntilClosed(absl::Seconds(2)), "");
  EXPECT_TRUE(idle[0]->closed()) << "the longest-waiting connection was closed";
  idle[1]->ReadUntilClosed(absl::Milliseconds(200));
  EXPECT_FALSE(idle[1]->closed());
}

TEST_F(BoundedHttpServerTest, OversizedHeadersAndBodiesAreRefusedWithTheirStatus) {
  BoundedHttpServer::Options options;
  options.limits.max_body_bytes = 16;
  options.limits.max_header_bytes = 256;
  Start(options);
  {
    RawClient client(port());
    ASSERT_TRUE(client.Send("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 17\r\n\r\n"));
    EXPECT_THAT(client.ReadUntilClosed(), StartsWith("HTTP/1.1 413 "));
  }
  {
    RawClient client(port());
    ASSERT_TRUE(
        client.Send(absl::StrCat("GET / HTTP/1.1\r\nX-Big: ", std::string(400, 'a'), "\r\n\r\n")));
    EXPECT_THAT(client.ReadUntilClosed(), StartsWith("HTTP/1.1 431 "));
  }
  {
    RawClient client(port());
    ASSERT_TRUE(client.Send("NOT HTTP AT ALL\r\n\r\n"));
    EXPECT_THAT(client.ReadUntilClosed(), StartsWith("HTTP/1.1 400 "));
  }
}

TEST_F(BoundedHttpServerTest, ASlowHandlerDoesNotHoldUpOtherConnections) {
  absl::Notification release;
  BoundedHttpServer::Options options;
  options.workers = 2;
  Start(options, [&](const ServedRequest& r) {
    if (r.target == "/slow") release.WaitForNotificationWithTimeout(absl::Seconds(10));
    return ServedResponse{200, r.target};
  });
  RawClient slow(port());
  ASSERT_TRUE(slow.Send("GET /slow HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n"));
  absl::SleepFor(absl::Milliseconds(100));
  RawClient quick(port());
  const absl::Time start = absl::Now();
  ASSERT_TRUE(quick.Send("GET /quick HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n"));
  EXPECT_TRUE(absl::EndsWith(quick.ReadUntilClosed(), "/quick"));
  EXPECT_LT(absl::Now() - start, absl::Seconds(2));
  release.Notify();
  EXPECT_TRUE(absl::EndsWith(slow.ReadUntilClosed(), "/slow"));
}

TEST_F(BoundedHttpServerTest, StopClosesEverythingAndIsIdempotent) {
  Start();
  RawClient client(port());
  ASSERT_TRUE(client.connected());
  server_->Stop();
  client.ReadUntilClosed(absl::Seconds(2));
  EXPECT_TRUE(client.closed());
  server_->Stop();
  RawClient after(port());
  EXPECT_FALSE(after.connected()) << "the listening socket is closed";
}

TEST(BoundedHttpServerAddressTest, SetAddressNamesTheSettingAndNeverEchoesTheValue) {
  BoundedHttpServer::Options options;
  ASSERT_TRUE(
      BoundedHttpServer::SetAddress("0.0.0.0:8090", "listen.callback_address", &options).ok());
  EXPECT_EQ(options.host, "0.0.0.0");
  EXPECT_EQ(options.port, 8090);
  for (const char* bad : {"no-port", "host:99999", ":80x", "secret-pasted-here"}) {
    const absl::Status status =
        BoundedHttpServer::SetAddress(bad, "listen.callback_address", &options);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_THAT(std::string(status.message()), HasSubstr("listen.callback_address"));
    EXPECT_FALSE(absl::StrContains(status.message(), bad)) << status.message();
  }
}

TEST(BoundedHttpServerAddressTest, AnAddressInUseIsUnavailable) {
  auto first = BoundedHttpServer::Start({}, [](const ServedRequest&) { return ServedResponse{}; });
  ASSERT_TRUE(first.ok());
  BoundedHttpServer::Options options;
  options.port = (*first)->port();
  auto second =
      BoundedHttpServer::Start(options, [](const ServedRequest&) { return ServedResponse{}; });
  EXPECT_EQ(second.status().code(), absl::StatusCode::kUnavailable);
}

}  // namespace
}  // namespace barion_gateway::server
