// The callback listener serving HTTPS itself, end to end: the gateway gives Barion an https://
// callback URL, the sandbox calls it as Barion does (TLS 1.2 or later, the certificate
// verified) and the payment's event arrives; a Barion that cannot verify the certificate
// delivers nothing, and a client speaking plain HTTP to it fails the handshake and is counted.
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "httplib.h"
#include "tests/integration/harness.h"

namespace barion_gateway::testing_support {
namespace {

namespace v1 = ::barion::v1;
using testing::HasSubstr;
using testing::StartsWith;

// The value of the sample `series` ("name{labels}") on /metrics; -1 when it is not there.
double Metric(Harness& h, const std::string& series) {
  httplib::Client admin("http://" + h.gateway().admin_address());
  auto response = admin.Get("/metrics");
  if (!response) return -1;
  const std::string& text = response->body;
  const size_t at = text.find("\n" + series + " ");
  if (at == std::string::npos) return -1;
  return std::stod(text.substr(at + series.size() + 2));
}

constexpr char kAccepted[] = "barion_gateway_callbacks_received_total{result=\"accepted\"}";
constexpr char kTlsFailed[] = "barion_gateway_callbacks_received_total{result=\"tls_failed\"}";

v1::StartPaymentResponse Start(Harness& h) {
  v1::StartPaymentResponse response;
  grpc::Status s = h.stub().StartPayment(Deadline(10).get(),
                                         Harness::CardPayment("1500", v1::CURRENCY_HUF), &response);
  EXPECT_TRUE(s.ok()) << s.error_message();
  return response;
}

size_t EventsOf(Harness& h, const std::string& payment_id) {
  v1::ListPaymentEventsRequest r;
  r.add_payment_ids(payment_id);
  v1::ListPaymentEventsResponse response;
  grpc::Status s = h.events().ListPaymentEvents(Deadline(5).get(), r, &response);
  EXPECT_TRUE(s.ok()) << s.error_message();
  return response.events_size();
}

TEST(CallbackTlsTest, BarionCallsTheListenerOverHttpsAndTheEventArrives) {
  HarnessOptions options;
  options.callback_tls = true;
  Harness h(options);
  const v1::StartPaymentResponse started = Start(h);
  EXPECT_THAT(started.callback_url(),
              StartsWith("https://" + h.gateway().callback_address() + "/callback/demo/"));
  ASSERT_EQ(h.Control(absl::StrCat("payments/", started.payment_id(), "/pay"), "{}"), 200);
  const absl::Time deadline = absl::Now() + absl::Seconds(10);
  while (EventsOf(h, started.payment_id()) == 0 && absl::Now() < deadline) {
    absl::SleepFor(absl::Milliseconds(10));
  }
  EXPECT_EQ(EventsOf(h, started.payment_id()), 1u);
  EXPECT_THAT(h.ControlGet("callbacks?paymentId=" + started.payment_id()),
              HasSubstr("\"attempt\":0,\"http_status\":200"));
  EXPECT_EQ(Metric(h, kAccepted), 1);
  EXPECT_EQ(Metric(h, kTlsFailed), 0);
}

TEST(CallbackTlsTest, ACertificateBarionCannotVerifyGetsNoCallbackThroughAndIsCounted) {
  HarnessOptions options;
  options.callback_tls = true;
  options.sandbox_trusts_callback_ca = false;
  Harness h(options);
  const v1::StartPaymentResponse started = Start(h);
  ASSERT_EQ(h.Control(absl::StrCat("payments/", started.payment_id(), "/pay"), "{}"), 200);
  // The sandbox's first attempt fails verification; it then retries on Barion's schedule.
  const absl::Time deadline = absl::Now() + absl::Seconds(10);
  std::string log;
  while (absl::Now() < deadline) {
    log = h.ControlGet("callbacks?paymentId=" + started.payment_id());
    if (log.find("\"attempt\":1") != std::string::npos) break;
    absl::SleepFor(absl::Milliseconds(10));
  }
  EXPECT_THAT(log, HasSubstr("\"attempt\":0,\"http_status\":0"));
  EXPECT_THAT(log, HasSubstr("SSLServerVerification"));
  EXPECT_EQ(EventsOf(h, started.payment_id()), 0u);
  EXPECT_EQ(Metric(h, kAccepted), 0);
  // The sandbox (like most clients) checks the certificate after the handshake and hangs up:
  // the gateway sees a connection that ends without a request. A client that speaks plain HTTP
  // to the HTTPS listener (a proxy configured for http://) fails the handshake and is counted.
  httplib::Client plain("http://" + h.gateway().callback_address());
  plain.set_read_timeout(2, 0);
  EXPECT_FALSE(plain.Post(Harness::CallbackPath(), "paymentId=x", "text/plain"));
  const absl::Time counted = absl::Now() + absl::Seconds(5);
  while (Metric(h, kTlsFailed) < 1 && absl::Now() < counted) {
    absl::SleepFor(absl::Milliseconds(10));
  }
  EXPECT_EQ(Metric(h, kTlsFailed), 1);
}

TEST(CallbackTlsTest, TheGatewayDoesNotStartWithAKeyThatIsNotTheCertificates) {
  HarnessOptions options;
  options.callback_tls = true;
  Harness h(options);
  server::Config config = h.config();
  config.grpc_address = config.callback_address = config.admin_address = "127.0.0.1:0";
  config.data_dir = ::testing::TempDir() + "/gateway-wrong-callback-key";
  // The sandbox's own key: a valid PEM key, of another certificate.
  config.callback_tls_key_file = h.sandbox().ca_file();
  config.callback_tls_key_file.replace(config.callback_tls_key_file.rfind("ca.pem"), 6,
                                       "ca-key.pem");
  auto gateway = server::GatewayServer::Start(config);
  ASSERT_FALSE(gateway.ok());
  EXPECT_EQ(gateway.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(gateway.status().message(), HasSubstr("listen.callback_tls_key_file"));
  EXPECT_THAT(gateway.status().message(), HasSubstr("does not belong"));
}

}  // namespace
}  // namespace barion_gateway::testing_support
