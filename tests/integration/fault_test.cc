// Upstream faults -> documented gRPC codes; nothing hangs past the deadline; keep-alive works.
#include <algorithm>
#include <chrono>
#include <string>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "gtest/gtest.h"
#include "server/barion/httplib_transport.h"
#include "tests/integration/harness.h"

namespace barion_gateway::testing_support {
namespace {

namespace v1 = ::barion::v1;
using testing::ElementsAre;

class FaultTest : public testing::Test {
 protected:
  void Arm(const std::string& mode, const std::string& path, int delay_ms = 0) {
    ASSERT_EQ(h_.Control("faults", absl::StrCat(R"({"mode":")", mode, R"(","path_prefix":")", path,
                                                R"(","delay_ms":)", delay_ms, "}")),
              200);
  }
  grpc::Status StartOnce(double deadline_seconds = 5) {
    v1::StartPaymentResponse response;
    return h_.stub().StartPayment(Deadline(deadline_seconds).get(),
                                  Harness::CardPayment("1000", v1::CURRENCY_HUF), &response);
  }
  Harness h_;
};

TEST_F(FaultTest, Http500OnAMutationIsUnavailableWithUnknownOutcome) {
  Arm("status_500", "/v2/Payment/Start");
  grpc::Status s = StartOnce();
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_THAT(Reasons(s), ElementsAre("UPSTREAM_HTTP_ERROR"));
  EXPECT_EQ(Metadata(s, "outcome"), "unknown");
  EXPECT_EQ(Metadata(s, "http_status"), "500");
  EXPECT_TRUE(StartOnce().ok()) << "the fault was armed once";
}

TEST_F(FaultTest, Http503WithAnHtmlBodyIsUnavailable) {
  Arm("status_503_html", "/v4/");
  v1::GetPaymentStateRequest r;
  r.set_payment_id("4f1d2c3b5a6e47c8b9d0e1f2a3b4c5d6");
  v1::GetPaymentStateResponse response;
  grpc::Status s = h_.stub().GetPaymentState(Deadline(5).get(), r, &response);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_THAT(Reasons(s), ElementsAre("UPSTREAM_HTTP_ERROR"));
  EXPECT_EQ(Metadata(s, "outcome"), "not_applicable");
  EXPECT_THAT(s.error_message(), testing::HasSubstr("not JSON"));
}

TEST_F(FaultTest, MalformedJsonOnAMutationIsUnknown) {
  Arm("malformed", "/v2/Payment/Start");
  grpc::Status s = StartOnce();
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNKNOWN);
  EXPECT_THAT(Reasons(s), ElementsAre("UPSTREAM_MALFORMED_RESPONSE"));
  EXPECT_EQ(Metadata(s, "outcome"), "unknown");
}

TEST_F(FaultTest, ConnectionClosedMidAnswerIsUnavailable) {
  Arm("reset", "/v2/Payment/Start");
  grpc::Status s = StartOnce();
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_THAT(Reasons(s), ElementsAre("UPSTREAM_CONNECTION_RESET"));
  EXPECT_EQ(Metadata(s, "outcome"), "unknown");
  EXPECT_TRUE(StartOnce().ok()) << "the broken connection is not reused";
}

TEST_F(FaultTest, SlowBarionEndsAtTheCallersDeadline) {
  Arm("slow", "/v2/Payment/Start", 3000);
  const absl::Time start = absl::Now();
  grpc::Status s = StartOnce(/*deadline_seconds=*/0.8);
  const absl::Duration took = absl::Now() - start;
  EXPECT_EQ(s.error_code(), grpc::StatusCode::DEADLINE_EXCEEDED);
  EXPECT_LT(took, absl::Milliseconds(1500)) << "nothing hangs past the deadline";
  // The gateway gives up a hair before the client does; either way the outcome is unknown.
  const std::vector<std::string> reasons = Reasons(s);
  if (!reasons.empty()) {
    EXPECT_THAT(reasons, ElementsAre("UPSTREAM_TIMEOUT"));
    EXPECT_EQ(Metadata(s, "outcome"), "unknown");
  }
}

TEST_F(FaultTest, KeepAliveReusesTlsConnectionsAndNagleIsOff) {
  auto handshakes = [this] {
    std::string stats = h_.ControlGet("stats");
    size_t at = stats.find("\"tls_handshakes\":") + 17;
    int64_t n = -1;
    EXPECT_TRUE(absl::SimpleAtoi(stats.substr(at, stats.find(',', at) - at), &n)) << stats;
    return n;
  };
  ASSERT_TRUE(StartOnce().ok());
  const int64_t before = handshakes();
  std::vector<absl::Duration> took;
  for (int i = 0; i < 101; ++i) {
    const absl::Time start = absl::Now();
    ASSERT_TRUE(StartOnce().ok());
    took.push_back(absl::Now() - start);
  }
  // Sequential calls reuse one pooled connection: no new handshake.
  EXPECT_EQ(handshakes(), before);
  // With Nagle on, each keep-alive POST stalls ~40 ms (delayed ACK); with TCP_NODELAY a call
  // takes a few ms on loopback. The median is robust to a loaded machine's outliers, and the
  // bound is 5x below the stall.
  std::sort(took.begin(), took.end());
  EXPECT_LT(took[took.size() / 2], absl::Milliseconds(8)) << took[took.size() / 2];
  auto* transport = static_cast<server::HttplibTransport*>(h_.gateway().transport());
  EXPECT_EQ(transport->tls_handshakes(), before);
}

// One StartPayment through a gateway that calls `base_url`, trusting `ca_file` ("" = system).
grpc::Status StartThroughGatewayTo(const std::string& base_url, const std::string& ca_file) {
  server::Config config;
  config.shops = {{"demo", kPosKey, kPayee, "https://shop.example/return", "", "en-US"}};
  config.barion_base_url = base_url;
  config.barion_ca_file = ca_file;
  config.grpc_address = "127.0.0.1:0";
  config.callback_address = "127.0.0.1:0";
  config.admin_address = "127.0.0.1:0";
  config.data_dir = ::testing::TempDir() + "/gateway-data";
  auto gateway = server::GatewayServer::Start(config);
  if (!gateway.ok()) return grpc::Status(grpc::StatusCode::INTERNAL, "gateway did not start");
  auto stub = v1::PaymentService::NewStub(
      grpc::CreateChannel((*gateway)->grpc_address(), grpc::InsecureChannelCredentials()));
  v1::StartPaymentResponse response;
  return stub->StartPayment(Deadline(5).get(), Harness::CardPayment("1000", v1::CURRENCY_HUF),
                            &response);
}

TEST(UpstreamUnreachableTest, RefusedConnectionIsNotSent) {
  // Nothing listens on port 1.
  grpc::Status s = StartThroughGatewayTo("https://127.0.0.1:1", "");
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_THAT(Reasons(s), ElementsAre("UPSTREAM_UNREACHABLE"));
  EXPECT_EQ(Metadata(s, "outcome"), "not_sent");
}

TEST(UpstreamTlsTest, UntrustedCertificateIsATlsFailure) {
  Harness h;
  // No CA file: the system CAs do not trust the sandbox's self-signed CA.
  grpc::Status s = StartThroughGatewayTo(h.sandbox().https_url(), "");
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_THAT(Reasons(s), ElementsAre("UPSTREAM_TLS_FAILURE"));
  EXPECT_EQ(Metadata(s, "outcome"), "not_sent");
}

}  // namespace
}  // namespace barion_gateway::testing_support
