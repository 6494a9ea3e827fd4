// HttplibTransport against a real HTTPS server on loopback.
#include "server/barion/httplib_transport.h"

#include <signal.h>

#include <atomic>
#include <thread>

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

TEST(HttplibTransportCreateTest, RejectsBadOptionsNamingTheSetting) {
  HttplibTransport::Options options;
  options.base_url = "ftp://example.com";
  EXPECT_NE(HttplibTransport::Create(options).status().message().find("barion.base_url"),
            absl::string_view::npos);
  options.base_url = "https://example.com/v2";
  EXPECT_FALSE(HttplibTransport::Create(options).ok());
  options.base_url = "https://example.com";
  options.ca_file = "/nonexistent/ca.pem";
  EXPECT_NE(HttplibTransport::Create(options).status().message().find("barion.ca_file"),
            absl::string_view::npos);
}

}  // namespace
}  // namespace barion_gateway::server
