// HttplibTransport against a real HTTPS server on loopback.
#include "server/barion/httplib_transport.h"

#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "httplib.h"
#include "sandbox/tls.h"

namespace barion_gateway::server {
namespace {

class HttplibTransportTest : public testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(sandbox::EnsureTlsFiles(testing::TempDir() + "/tls", &tls_).ok());
    server_ = std::make_unique<httplib::SSLServer>(tls_.cert_file.c_str(), tls_.key_file.c_str());
    server_->set_keep_alive_timeout(1);  // closes idle keep-alive connections after 1 s
    server_->set_keep_alive_max_count(1000);
    server_->set_tcp_nodelay(true);
    server_->Post("/echo", [this](const httplib::Request& req, httplib::Response& res) {
      ++requests_;
      res.set_content(req.body, "application/json");
    });
    port_ = server_->bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_->listen_after_bind(); });
    while (!server_->is_running()) absl::SleepFor(absl::Milliseconds(1));
  }
  void TearDown() override {
    server_->stop();
    thread_.join();
  }

  std::unique_ptr<HttplibTransport> Transport(std::string ca_file) {
    HttplibTransport::Options options;
    options.base_url = "https://127.0.0.1:" + std::to_string(port_);
    options.ca_file = std::move(ca_file);
    auto transport = HttplibTransport::Create(options);
    EXPECT_TRUE(transport.ok()) << transport.status();
    return *std::move(transport);
  }

  static HttpRequest Echo(const std::string& body) {
    HttpRequest r;
    r.method = "POST";
    r.path = "/echo";
    r.body = body;
    r.deadline = absl::Now() + absl::Seconds(5);
    return r;
  }

  sandbox::TlsFiles tls_;
  std::unique_ptr<httplib::SSLServer> server_;
  std::thread thread_;
  int port_ = 0;
  std::atomic<int> requests_{0};
};

TEST_F(HttplibTransportTest, ReusesOneTlsConnectionForSequentialCalls) {
  auto transport = Transport(tls_.ca_file);
  for (int i = 0; i < 20; ++i) {
    auto response = transport->Send(Echo("{\"n\":1}"));
    ASSERT_TRUE(response.ok()) << response.status();
    EXPECT_EQ(response->status, 200);
    EXPECT_EQ(response->body, "{\"n\":1}");
  }
  EXPECT_EQ(transport->tls_handshakes(), 1);
}

TEST_F(HttplibTransportTest, SurvivesTheServerClosingIdleConnections) {
  auto transport = Transport(tls_.ca_file);
  // Ignored process-wide, so that OpenSSL's write(2) to a closed peer cannot kill the gateway.
  struct sigaction current;
  sigaction(SIGPIPE, nullptr, &current);
  EXPECT_EQ(current.sa_handler, SIG_IGN);
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(transport->Send(Echo("{}")).ok());
    absl::SleepFor(absl::Milliseconds(1200));  // the server drops the idle connection
  }
  auto response = transport->Send(Echo("{}"));
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(requests_.load(), 4);
  EXPECT_EQ(transport->tls_handshakes(), 4);
}

TEST_F(HttplibTransportTest, RefusesAnUntrustedCertificate) {
  auto transport = Transport("");  // system CAs do not know the test CA
  auto response = transport->Send(Echo("{}"));
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(TransportFailureOf(response.status()), TransportFailure::kTls);
  EXPECT_EQ(requests_.load(), 0);
}

TEST_F(HttplibTransportTest, WaitsForAFreeConnectionOnlyUntilTheDeadline) {
  HttplibTransport::Options options;
  options.base_url = "https://127.0.0.1:" + std::to_string(port_);
  options.ca_file = tls_.ca_file;
  options.max_connections = 1;
  auto transport = *HttplibTransport::Create(options);
  server_->Post("/slow", [](const httplib::Request&, httplib::Response& res) {
    absl::SleepFor(absl::Milliseconds(500));
    res.set_content("{}", "application/json");
  });
  std::thread busy([&] {
    HttpRequest r = Echo("{}");
    r.path = "/slow";
    EXPECT_TRUE(transport->Send(r).ok());
  });
  absl::SleepFor(absl::Milliseconds(100));
  HttpRequest r = Echo("{}");
  r.deadline = absl::Now() + absl::Milliseconds(100);
  auto response = transport->Send(r);
  EXPECT_EQ(response.status().code(), absl::StatusCode::kDeadlineExceeded);
  // Nothing was sent: the caller may retry safely.
  EXPECT_EQ(TransportFailureOf(response.status()), TransportFailure::kTimeoutNotSent);
  busy.join();
  r.deadline = absl::Now() - absl::Seconds(1);
  EXPECT_EQ(TransportFailureOf(transport->Send(r).status()), TransportFailure::kTimeoutNotSent);
}

// A keep-alive HTTP server on a raw socket that answers the first request of each connection and
// drops the connection without answering once it has read the second: a server closing an idle
// keep-alive connection just as a request arrives on it.
// A peer's answer is read only up to max_body_bytes, and only until the deadline: an endless
// body, or one dripped slower than the deadline allows, costs bounded memory and time.
TEST_F(HttplibTransportTest, AnEndlessOrDrippedBodyIsCutAtItsBoundAndTheDeadline) {
  server_->Post("/endless", [](const httplib::Request&, httplib::Response& res) {
    res.set_chunked_content_provider("text/plain", [](size_t, httplib::DataSink& sink) {
      static const std::string chunk(64 * 1024, 'x');
      return sink.write(chunk.data(), chunk.size());
    });
  });
  server_->Post("/drip", [](const httplib::Request&, httplib::Response& res) {
    res.set_chunked_content_provider("text/plain", [](size_t, httplib::DataSink& sink) {
      absl::SleepFor(absl::Milliseconds(50));
      return sink.write("x", 1);
    });
  });
  auto transport = Transport(tls_.ca_file);
  HttpRequest endless = Echo("{}");
  endless.path = "/endless";
  endless.max_body_bytes = 100 * 1000;
  absl::StatusOr<HttpResponse> r = transport->Send(endless);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->status, 200);
  EXPECT_TRUE(r->body_truncated);
  EXPECT_EQ(r->body.size(), 100u * 1000);

  HttpRequest drip = Echo("{}");
  drip.path = "/drip";
  drip.deadline = absl::Now() + absl::Milliseconds(600);
  const absl::Time start = absl::Now();
  absl::StatusOr<HttpResponse> dripped = transport->Send(drip);
  EXPECT_FALSE(dripped.ok());
  EXPECT_LT(absl::Now() - start, absl::Seconds(2));
}

class DroppingServer {
 public:
  DroppingServer() {
    listener_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    EXPECT_EQ(::bind(listener_, reinterpret_cast<sockaddr*>(&address), length), 0);
    EXPECT_EQ(::listen(listener_, 8), 0);
    EXPECT_EQ(::getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &length), 0);
    port_ = ntohs(address.sin_port);
    acceptor_ = std::thread([this] {
      for (;;) {
        const int connection = ::accept(listener_, nullptr, nullptr);
        if (connection < 0) return;
        connections_.emplace_back([this, connection] { Serve(connection); });
      }
    });
  }
  ~DroppingServer() {
    ::shutdown(listener_, SHUT_RDWR);
    ::close(listener_);
    acceptor_.join();
    for (std::thread& t : connections_) t.join();
  }
  int port() const { return port_; }
  int requests() const { return requests_.load(); }

 private:
  // Reads one request (headers, then Content-Length bytes of body); false at the end.
  static bool ReadRequest(int connection, std::string& buffer) {
    char chunk[4096];
    size_t end;
    while ((end = buffer.find("\r\n\r\n")) == std::string::npos) {
      const ssize_t n = ::read(connection, chunk, sizeof chunk);
      if (n <= 0) return false;
      buffer.append(chunk, n);
    }
    size_t body = 0;
    const size_t at = buffer.find("Content-Length: ");
    if (at != std::string::npos && at < end)
      body = std::strtoul(buffer.c_str() + at + 16, nullptr, 10);
    while (buffer.size() < end + 4 + body) {
      const ssize_t n = ::read(connection, chunk, sizeof chunk);
      if (n <= 0) return false;
      buffer.append(chunk, n);
    }
    buffer.erase(0, end + 4 + body);
    return true;
  }
  void Serve(int connection) {
    std::string buffer;
    for (int on_this_connection = 1; ReadRequest(connection, buffer); ++on_this_connection) {
      ++requests_;
      if (on_this_connection > 1) break;  // dropped without an answer
      const std::string answer =
          "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}";
      if (::write(connection, answer.data(), answer.size()) < 0) break;
    }
    ::close(connection);
  }

  int listener_ = -1;
  int port_ = 0;
  std::atomic<int> requests_{0};
  std::thread acceptor_;
  std::vector<std::thread> connections_;  // touched by the acceptor only, until it is joined
};

std::unique_ptr<HttplibTransport> PlainTransport(int port) {
  HttplibTransport::Options options;
  options.base_url = "http://127.0.0.1:" + std::to_string(port);
  auto transport = HttplibTransport::Create(options);
  EXPECT_TRUE(transport.ok()) << transport.status();
  return *std::move(transport);
}

HttpRequest Request(const std::string& method) {
  HttpRequest r;
  r.method = method;
  r.path = "/v4/Payment/x/PaymentState";
  if (method == "POST") r.body = "{}";
  r.deadline = absl::Now() + absl::Seconds(5);
  return r;
}

// A GET on a reused connection that the server drops after reading it is sent again on a fresh
// connection: a read applies nothing. Fails when only unwritten requests are retried.
TEST(HttplibTransportDropTest, AGetDroppedOnAReusedConnectionIsRetriedOnce) {
  DroppingServer server;
  auto transport = PlainTransport(server.port());
  ASSERT_TRUE(transport->Send(Request("GET")).ok());
  auto again = transport->Send(Request("GET"));
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->status, 200);
  EXPECT_EQ(server.requests(), 3);  // the first, the dropped one, its retry
}

// A POST that was written is never sent twice, even when its connection is dropped unanswered:
// Barion may have applied it. The caller learns the outcome is unknown.
TEST(HttplibTransportDropTest, AWrittenPostIsNeverRetried) {
  DroppingServer server;
  auto transport = PlainTransport(server.port());
  ASSERT_TRUE(transport->Send(Request("POST")).ok());
  auto again = transport->Send(Request("POST"));
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(server.requests(), 2);
}

TEST(HttplibTransportCreateTest, RejectsBadOptionsNamingTheSetting) {
  HttplibTransport::Options options;
  options.base_url = "ftp://example.com";
  EXPECT_NE(HttplibTransport::Create(options).status().message().find("barion.base_url"),
            absl::string_view::npos);
  options.base_url = "https://example.com/v2";
  EXPECT_FALSE(HttplibTransport::Create(options).ok());
  // Every call carries a key: in clear only to this machine (the sandbox), decided by parsing
  // the host, not by its text.
  for (const char* clear :
       {"http://api.barion.com", "http://127.corp.example", "http://localhost.example:80",
        "http://10.0.0.1:8080", "http://[::2]:80"}) {
    options.base_url = clear;
    absl::Status s = HttplibTransport::Create(options).status();
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << clear;
    EXPECT_NE(s.message().find("loopback"), absl::string_view::npos) << s;
  }
  for (const char* local : {"http://127.0.0.1:18080", "http://127.8.9.10", "http://[::1]:18080",
                            "http://localhost:18080"}) {
    options.base_url = local;
    EXPECT_TRUE(HttplibTransport::Create(options).ok()) << local;
  }
  options.base_url = "https://example.com";
  options.ca_file = "/nonexistent/ca.pem";
  EXPECT_NE(HttplibTransport::Create(options).status().message().find("barion.ca_file"),
            absl::string_view::npos);
}

}  // namespace
}  // namespace barion_gateway::server
