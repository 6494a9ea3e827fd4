// The gateway's /metrics against what a test did through the real gateway, sandbox and sockets:
// RPCs by code, Barion calls by endpoint template and outcome, the start ledger, callbacks by
// result and what processing made of them, events by source, streams and their messages,
// authorization denials. Exact counts: each test starts its own gateway.
#include <thread>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "httplib.h"
#include "tests/integration/harness.h"
#include "tests/server/auth/test_policy.h"
#include "tests/support/exposition.h"

namespace barion_gateway::testing_support {
namespace {

namespace v1 = ::barion::v1;
using testing::HasSubstr;
using testing::Not;

class Metrics {
 public:
  explicit Metrics(Harness& h) : admin_("http://" + h.gateway().admin_address()) {}

  std::string Text() {
    auto response = admin_.Get("/metrics");
    EXPECT_TRUE(response && response->status == 200);
    return response ? response->body : "";
  }
  double Value(const std::string& series) { return SeriesValue(Text(), series).value_or(-1); }
  // Waits (up to 10 s) until `series` reaches `at_least`; returns its last value.
  double AwaitAtLeast(const std::string& series, double at_least) {
    return Await(series, [at_least](double v) { return v >= at_least; });
  }
  // Waits (up to 10 s) until `series` equals `want`; returns its last value.
  double AwaitEqual(const std::string& series, double want) {
    return Await(series, [want](double v) { return v == want; });
  }

 private:
  template <typename Done>
  double Await(const std::string& series, Done done) {
    double value = -1;
    for (int i = 0; i < 200; ++i) {
      value = Value(series);
      if (done(value)) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return value;
  }

  httplib::Client admin_;
};

std::string Rpc(const std::string& service, const std::string& method, const std::string& type) {
  return absl::StrCat("grpc_method=\"", method, "\",grpc_service=\"barion.v1.", service,
                      "\",grpc_type=\"", type, "\"");
}

TEST(MetricsTest, CountsPaymentsBarionCallsTheLedgerCallbacksAndEvents) {
  Harness h;
  Metrics metrics(h);
  // A payment, the same request again (answered from the ledger), and a state read.
  v1::StartPaymentRequest request = Harness::CardPayment("1000", v1::CURRENCY_HUF);
  v1::StartPaymentResponse started;
  ASSERT_TRUE(h.stub().StartPayment(Deadline(10).get(), request, &started).ok());
  v1::StartPaymentResponse again;
  ASSERT_TRUE(h.stub().StartPayment(Deadline(10).get(), request, &again).ok());
  v1::GetPaymentStateRequest state_request;
  state_request.set_payment_id(started.payment_id());
  v1::GetPaymentStateResponse state;
  ASSERT_TRUE(h.stub().GetPaymentState(Deadline(10).get(), state_request, &state).ok());
  // Barion answers 500 to a start: outcome unknown, kept pending in the ledger.
  ASSERT_EQ(h.Control("faults", R"({"mode":"status_500","path_prefix":"/v2/Payment/Start"})"), 200);
  v1::StartPaymentResponse failed;
  EXPECT_EQ(
      h.stub()
          .StartPayment(Deadline(10).get(), Harness::CardPayment("2000", v1::CURRENCY_HUF), &failed)
          .error_code(),
      grpc::StatusCode::UNAVAILABLE);

  // Callbacks: a forged one with a wrong secret, one for no shop, one without a payment id,
  // and Barion's real one for the payment.
  httplib::Client barion("http://" + h.gateway().callback_address());
  EXPECT_EQ(
      barion
          .Post("/callback/demo/wrong-secret?paymentId=" + started.payment_id(), "", "text/plain")
          ->status,
      404);
  EXPECT_EQ(barion.Post("/callback/nobody/x?paymentId=1", "", "text/plain")->status, 404);
  EXPECT_EQ(barion.Post(Harness::CallbackPath(), "", "text/plain")->status, 400);
  EXPECT_EQ(
      barion.Post(Harness::CallbackPath() + "?paymentId=" + started.payment_id(), "", "text/plain")
          ->status,
      200);

  const std::string payment = Rpc("PaymentService", "StartPayment", "unary");
  EXPECT_EQ(metrics.Value("grpc_server_started_total{" + payment + "}"), 3);
  EXPECT_EQ(metrics.Value("grpc_server_handled_total{grpc_code=\"OK\"," + payment + "}"), 2);
  EXPECT_EQ(metrics.Value("grpc_server_handled_total{grpc_code=\"Unavailable\"," + payment + "}"),
            1);
  EXPECT_EQ(metrics.Value("barion_gateway_barion_requests_total{endpoint=\"/v2/Payment/Start\","
                          "outcome=\"ok\"}"),
            1);
  EXPECT_EQ(metrics.Value("barion_gateway_barion_requests_total{endpoint=\"/v2/Payment/Start\","
                          "outcome=\"http_error\"}"),
            1);
  EXPECT_EQ(metrics.Value("barion_gateway_barion_responses_total{endpoint=\"/v2/Payment/Start\","
                          "status_class=\"5xx\"}"),
            1);
  EXPECT_GE(metrics.Value("barion_gateway_barion_requests_total{endpoint=\"/v4/Payment/"
                          "{PaymentId}/PaymentState\",outcome=\"ok\"}"),
            1);
  EXPECT_EQ(metrics.Value("barion_gateway_start_ledger_total{result=\"new\"}"), 2);
  EXPECT_EQ(metrics.Value("barion_gateway_start_ledger_total{result=\"repeat\"}"), 1);
  EXPECT_EQ(metrics.Value("barion_gateway_start_ledger_total{result=\"unknown_outcome\"}"), 1);
  EXPECT_EQ(metrics.Value("barion_gateway_callbacks_received_total{result=\"wrong_secret\"}"), 1);
  EXPECT_EQ(metrics.Value("barion_gateway_callbacks_received_total{result=\"unknown_shop\"}"), 1);
  EXPECT_EQ(metrics.Value("barion_gateway_callbacks_received_total{result=\"bad_request\"}"), 1);
  EXPECT_EQ(metrics.Value("barion_gateway_callbacks_received_total{result=\"accepted\"}"), 1);
  EXPECT_EQ(metrics.Value("barion_gateway_callback_ack_seconds_count"), 1);
  // The one accepted receipt is processed: the fetched state is new (an event from a callback)
  // or already known.
  double processed = 0;
  for (int i = 0; i < 200 && processed < 1; ++i) {
    const std::string text = metrics.Text();
    processed =
        *SeriesValue(text, "barion_gateway_callbacks_processed_total{result=\"event\"}") +
        *SeriesValue(text, "barion_gateway_callbacks_processed_total{result=\"duplicate\"}");
    if (processed < 1) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_EQ(processed, 1);
  const std::string events = metrics.Text();
  EXPECT_EQ(SeriesValue(events, "barion_gateway_callbacks_processed_total{result=\"event\"}"),
            SeriesValue(events, "barion_gateway_callback_to_event_seconds_count"));
  EXPECT_GE(*SeriesValue(events, "barion_gateway_events_appended_total{source=\"callback\"}") +
                *SeriesValue(events, "barion_gateway_events_appended_total{source=\"rpc\"}"),
            1);
  EXPECT_EQ(metrics.AwaitEqual("barion_gateway_callback_inbox_backlog", 0), 0);
  EXPECT_EQ(metrics.Value("barion_gateway_callback_inbox_oldest_age_seconds"), 0);
  EXPECT_EQ(metrics.Value("barion_gateway_event_store_up"), 1);
  EXPECT_EQ(metrics.Value("barion_gateway_ready"), 1);
  EXPECT_GE(metrics.Value("barion_gateway_reconciler_watched_payments"), 1);
  EXPECT_GE(metrics.Value("barion_gateway_barion_connections{state=\"idle\"}"), 1);
  EXPECT_GE(metrics.Value("barion_gateway_barion_tls_handshakes_total"), 1);
  // Never a payment id, the callback secret or the POSKey in a label.
  const std::string text = metrics.Text();
  EXPECT_THAT(text, Not(HasSubstr(started.payment_id())));
  EXPECT_THAT(text, Not(HasSubstr(Harness::CallbackPath())));
  EXPECT_THAT(text, Not(HasSubstr(kPosKey)));
}

TEST(MetricsTest, CountsStreamsTheirMessagesAndHowTheyEnd) {
  Harness h;
  Metrics metrics(h);
  {
    grpc::ClientContext context;
    v1::SubscribePaymentEventsRequest request;
    request.set_start(v1::SUBSCRIPTION_START_BEGINNING);
    auto reader = h.events().SubscribePaymentEvents(&context, request);
    v1::SubscribePaymentEventsResponse message;
    ASSERT_TRUE(reader->Read(&message));  // the first heartbeat
    EXPECT_EQ(metrics.Value("barion_gateway_event_subscribers"), 1);
    v1::StartPaymentResponse started;
    ASSERT_TRUE(h.stub()
                    .StartPayment(Deadline(10).get(),
                                  Harness::CardPayment("1000", v1::CURRENCY_HUF), &started)
                    .ok());
    // Barion's callback makes the event the stream delivers.
    httplib::Client barion("http://" + h.gateway().callback_address());
    ASSERT_EQ(
        barion
            .Post(Harness::CallbackPath() + "?paymentId=" + started.payment_id(), "", "text/plain")
            ->status,
        200);
    do {
      ASSERT_TRUE(reader->Read(&message));
    } while (!message.has_event());
    context.TryCancel();
    while (reader->Read(&message)) {
    }
  }
  const std::string subscribe =
      Rpc("PaymentEventService", "SubscribePaymentEvents", "server_stream");
  EXPECT_EQ(metrics.AwaitAtLeast(
                "grpc_server_handled_total{grpc_code=\"Canceled\"," + subscribe + "}", 1),
            1);
  EXPECT_EQ(metrics.Value("grpc_server_started_total{" + subscribe + "}"), 1);
  EXPECT_GE(metrics.Value("grpc_server_msg_sent_total{" + subscribe + "}"), 2);
  EXPECT_GE(metrics.Value("barion_gateway_event_messages_delivered_total"), 1);
  EXPECT_EQ(metrics.AwaitEqual("barion_gateway_event_subscribers", 0), 0);

  // A subscription refused before it becomes a stream is counted with its code.
  grpc::ClientContext context;
  v1::SubscribePaymentEventsRequest bad;
  bad.set_after_cursor("not a cursor");
  auto reader = h.events().SubscribePaymentEvents(&context, bad);
  v1::SubscribePaymentEventsResponse message;
  EXPECT_FALSE(reader->Read(&message));
  EXPECT_EQ(reader->Finish().error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(
      metrics.Value("grpc_server_handled_total{grpc_code=\"InvalidArgument\"," + subscribe + "}"),
      1);
}

TEST(MetricsTest, CountsCallsRefusedForTheirCallerByReason) {
  constexpr char kToken[] = "token-of-the-metrics-test-0123456789abcdef";
  HarnessOptions options;
  options.callers = {server::TokenCaller("web", kToken, {"/barion.v1.PaymentService/*"}, {"demo"})};
  Harness h(options);
  Metrics metrics(h);
  v1::StartPaymentResponse response;
  v1::StartPaymentRequest other_shop = Harness::CardPayment("1000", v1::CURRENCY_HUF);
  other_shop.set_shop("elsewhere");
  EXPECT_EQ(h.stub().StartPayment(WithToken(kToken).get(), other_shop, &response).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(h.stub()
                .StartPayment(WithToken("not-a-known-token-0123456789").get(),
                              Harness::CardPayment("1000", v1::CURRENCY_HUF), &response)
                .error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(h.stub()
                .StartPayment(WithToken(nullptr).get(),
                              Harness::CardPayment("1000", v1::CURRENCY_HUF), &response)
                .error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(metrics.Value("barion_gateway_auth_denials_total{reason=\"SHOP_NOT_ALLOWED\"}"), 1);
  EXPECT_EQ(metrics.Value("barion_gateway_auth_denials_total{reason=\"UNKNOWN_TOKEN\"}"), 1);
  EXPECT_EQ(metrics.Value("barion_gateway_auth_denials_total{reason=\"NO_CREDENTIALS\"}"), 1);
  EXPECT_THAT(metrics.Text(), Not(HasSubstr(kToken)));
}

}  // namespace
}  // namespace barion_gateway::testing_support
