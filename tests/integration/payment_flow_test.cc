// Payment scenarios end to end: gRPC client -> gateway -> HTTPS -> local sandbox.
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "httplib.h"
#include "tests/integration/harness.h"

namespace barion_gateway::testing_support {
namespace {

namespace v1 = ::barion::v1;
using testing::ElementsAre;
using testing::HasSubstr;

class PaymentFlowTest : public testing::Test {
 protected:
  v1::StartPaymentResponse Start(const v1::StartPaymentRequest& request) {
    v1::StartPaymentResponse response;
    grpc::Status s = h_.stub().StartPayment(Deadline(10).get(), request, &response);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return response;
  }
  v1::GetPaymentStateResponse State(const std::string& payment_id) {
    v1::GetPaymentStateRequest r;
    r.set_payment_id(payment_id);
    v1::GetPaymentStateResponse response;
    grpc::Status s = h_.stub().GetPaymentState(Deadline(10).get(), r, &response);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return response;
  }
  void Pay(const std::string& payment_id, const std::string& json = "{}") {
    ASSERT_EQ(h_.Control(absl::StrCat("payments/", payment_id, "/pay"), json), 200);
  }
  // Registers a token through a paid initial payment; returns the trace id.
  std::string RegisterToken(const std::string& token, const std::string& pay_json = "{}",
                            v1::Currency currency = v1::CURRENCY_EUR) {
    v1::StartPaymentRequest r = Harness::CardPayment("9.99", currency);
    if (currency == v1::CURRENCY_HUF) r = Harness::CardPayment("1000", currency);
    r.set_initiate_recurrence(true);
    r.set_recurrence_id(token);
    r.set_recurrence_type(v1::RECURRENCE_TYPE_MERCHANT_INITIATED_PAYMENT);
    v1::StartPaymentResponse started = Start(r);
    Pay(started.payment_id(), pay_json);
    return State(started.payment_id()).trace_id();
  }
  grpc::Status Charge(const std::string& token, const std::string& trace_id,
                      const std::string& total = "9.99", v1::Currency currency = v1::CURRENCY_EUR,
                      v1::StartPaymentResponse* response = nullptr) {
    v1::StartPaymentRequest r = Harness::CardPayment(total, currency);
    r.set_recurrence_id(token);
    r.set_recurrence_type(v1::RECURRENCE_TYPE_MERCHANT_INITIATED_PAYMENT);
    r.set_trace_id(trace_id);
    v1::StartPaymentResponse local;
    return h_.stub().StartPayment(Deadline(10).get(), r, response ? response : &local);
  }

  Harness h_;
};

TEST_F(PaymentFlowTest, ResponsiveWebPaymentSucceeds) {
  v1::StartPaymentResponse started = Start(Harness::CardPayment("0.10", v1::CURRENCY_EUR));
  EXPECT_EQ(started.status(), v1::PAYMENT_STATUS_PREPARED);
  EXPECT_EQ(started.payment_id().size(), 32u);
  ASSERT_THAT(started.gateway_url(), HasSubstr("/Pay?Id=" + started.payment_id()));
  EXPECT_EQ(started.redirect_url(),
            "https://shop.example/return?paymentId=" + started.payment_id());

  // The payer's browser opens the payment page...
  httplib::Client browser(h_.sandbox().https_url());
  browser.set_ca_cert_path(h_.sandbox().ca_file());
  browser.enable_server_certificate_verification(true);
  auto page = browser.Get(("/Pay?Id=" + started.payment_id()).c_str());
  ASSERT_TRUE(page);
  EXPECT_THAT(page->body, HasSubstr("0.10 EUR"));
  // ...and pays with the test card.
  Pay(started.payment_id());

  v1::GetPaymentStateResponse state = State(started.payment_id());
  EXPECT_EQ(state.status(), v1::PAYMENT_STATUS_SUCCEEDED);
  EXPECT_EQ(state.total(), "0.10");
  EXPECT_EQ(state.currency(), v1::CURRENCY_EUR);
  EXPECT_EQ(state.funding_source(), v1::FUNDING_SOURCE_BANK_CARD);
  EXPECT_EQ(state.payment_method(), v1::PAYMENT_METHOD_BANK_CARD);
  EXPECT_EQ(state.funding_information().bank_card().masked_pan(), "5559");
  ASSERT_GE(state.transactions_size(), 2);
  EXPECT_EQ(state.transactions(0).total(), "0.10");
  EXPECT_EQ(state.transactions(0).transaction_type(), "CardPayment");
  EXPECT_EQ(state.transactions(1).transaction_type(), "CardProcessingFee");
  EXPECT_TRUE(state.has_completed_at());
}

TEST_F(PaymentFlowTest, FifteenDigitHufAmountStaysExact) {
  v1::StartPaymentResponse started =
      Start(Harness::CardPayment("123456789012345", v1::CURRENCY_HUF));
  Pay(started.payment_id(), R"({"funding":"Balance"})");
  v1::GetPaymentStateResponse state = State(started.payment_id());
  EXPECT_EQ(state.total(), "123456789012345");
  EXPECT_EQ(state.transactions(0).total(), "123456789012345");
  EXPECT_EQ(state.transactions(0).items(0).unit_price(), "123456789012345");
}

// The largest amounts validation accepts (18 integer digits), far beyond 2^53 where a binary
// double loses whole units: through gRPC, Barion's JSON and back, digit for digit. A double
// anywhere on the way turns 999999999999999999 into 1000000000000000000.
TEST_F(PaymentFlowTest, EighteenDigitAmountsStayExactBeyondDoublePrecision) {
  for (const auto& [total, currency] :
       {std::make_pair(std::string("999999999999999999"), v1::CURRENCY_HUF),
        std::make_pair(std::string("987654321098765432.19"), v1::CURRENCY_EUR)}) {
    v1::StartPaymentRequest r = Harness::CardPayment(total, currency);
    v1::StartPaymentResponse started = Start(r);
    ASSERT_FALSE(started.payment_id().empty()) << total;
    Pay(started.payment_id(), R"({"funding":"Balance"})");
    v1::GetPaymentStateResponse state = State(started.payment_id());
    EXPECT_EQ(state.total(), total);
    ASSERT_GT(state.transactions_size(), 0);
    EXPECT_EQ(state.transactions(0).total(), total);
    EXPECT_EQ(state.transactions(0).items(0).unit_price(), total);
    EXPECT_EQ(state.transactions(0).items(0).item_total(), total);
  }
}

TEST_F(PaymentFlowTest, HufWithDecimalsIsRejectedBeforeBarion) {
  const std::string before = h_.ControlGet("stats");
  v1::StartPaymentResponse response;
  grpc::Status s = h_.stub().StartPayment(
      Deadline(5).get(), Harness::CardPayment("100.5", v1::CURRENCY_HUF), &response);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(BadFields(s),
              ElementsAre("transactions[0].total", "transactions[0].items[0].unit_price",
                          "transactions[0].items[0].item_total"));
  EXPECT_EQ(h_.ControlGet("stats"), before) << "Barion must not have been called";
}

TEST_F(PaymentFlowTest, ReservationFinishedWithALowerAmount) {
  v1::StartPaymentRequest r = Harness::CardPayment("25.00", v1::CURRENCY_EUR);
  r.set_payment_type(v1::PAYMENT_TYPE_RESERVATION);
  r.mutable_reservation_period()->set_seconds(3600);
  v1::StartPaymentResponse started = Start(r);
  Pay(started.payment_id());
  v1::GetPaymentStateResponse reserved = State(started.payment_id());
  EXPECT_EQ(reserved.status(), v1::PAYMENT_STATUS_RESERVED);
  EXPECT_TRUE(reserved.has_reserved_until());

  v1::FinishReservationRequest finish;
  finish.set_payment_id(started.payment_id());
  auto* t = finish.add_transactions();
  t->set_transaction_id(started.transactions(0).transaction_id());
  t->set_total("19.50");
  t->set_comment("one item out of stock");
  v1::FinishReservationResponse finished;
  grpc::Status s = h_.stub().FinishReservation(Deadline(10).get(), finish, &finished);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_TRUE(finished.is_successful());
  EXPECT_EQ(finished.status(), v1::PAYMENT_STATUS_SUCCEEDED);
  EXPECT_EQ(State(started.payment_id()).total(), "19.50");

  // A second finish is refused: the payment is no longer reserved.
  s = h_.stub().FinishReservation(Deadline(10).get(), finish, &finished);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(Reasons(s), ElementsAre("PaymentStatusNotValid"));
}

// Barion holds a delayed capture 7 days (21 for Hungarian shops): a longer period for the shop is
// refused before Barion, naming the field; the sandbox, told the shop is German, refuses it too.
TEST_F(PaymentFlowTest, DelayedCaptureLongerThanTheShopMayHoldIsRefusedBeforeBarion) {
  v1::StartPaymentRequest r = Harness::CardPayment("4000", v1::CURRENCY_HUF);
  r.set_payment_type(v1::PAYMENT_TYPE_DELAYED_CAPTURE);
  r.mutable_delayed_capture_period()->set_seconds(10 * 86400);  // the harness's shop: 7 days
  const int64_t before = SandboxRequests(h_);
  v1::StartPaymentResponse response;
  grpc::Status s = h_.stub().StartPayment(Deadline(10).get(), r, &response);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(BadFields(s), std::vector<std::string>{"delayed_capture_period"});
  EXPECT_EQ(SandboxRequests(h_), before) << "a refused start reached Barion";

  // What Barion says to a German shop asking for 10 days.
  ASSERT_EQ(h_.Control("shops/demo", R"({"country":"DE"})"), 200);
  httplib::Client barion(h_.sandbox().http_url());
  auto answer = barion.Post("/v2/Payment/Start", {{"x-pos-key", kPosKey}},
                            R"({"PaymentType":"DelayedCapture","DelayedCapturePeriod":"10.00:00:00",
          "FundingSources":["All"],"PaymentRequestId":"dc-10","RedirectUrl":"https://s/r",
          "Locale":"hu-HU","Currency":"HUF","Transactions":[{"POSTransactionId":"t",
          "Payee":"demo-shop@sandbox.local","Total":4000,"Items":[]}]})",
                            "application/json");
  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->status, 400);
  EXPECT_THAT(answer->body, testing::HasSubstr("between 1 minute and 7 days"));
}

TEST_F(PaymentFlowTest, DelayedCaptureCapturedAndAnotherCancelled) {
  v1::StartPaymentRequest r = Harness::CardPayment("4000", v1::CURRENCY_HUF);
  r.set_payment_type(v1::PAYMENT_TYPE_DELAYED_CAPTURE);
  r.mutable_delayed_capture_period()->set_seconds(86400);
  v1::StartPaymentResponse a = Start(r);
  r.set_payment_request_id("second");
  v1::StartPaymentResponse b = Start(r);
  Pay(a.payment_id());
  Pay(b.payment_id());
  EXPECT_EQ(State(a.payment_id()).status(), v1::PAYMENT_STATUS_AUTHORIZED);

  v1::CaptureRequest capture;
  capture.set_payment_id(a.payment_id());
  auto* t = capture.add_transactions();
  t->set_transaction_id(a.transactions(0).transaction_id());
  t->set_total("3500");
  v1::CaptureResponse captured;
  grpc::Status s = h_.stub().Capture(Deadline(10).get(), capture, &captured);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(captured.status(), v1::PAYMENT_STATUS_SUCCEEDED);
  EXPECT_EQ(State(a.payment_id()).total(), "3500");

  v1::CancelAuthorizationRequest cancel;
  cancel.set_payment_id(b.payment_id());
  v1::CancelAuthorizationResponse cancelled;
  s = h_.stub().CancelAuthorization(Deadline(10).get(), cancel, &cancelled);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(cancelled.status(), v1::PAYMENT_STATUS_CANCELED);
  EXPECT_EQ(cancelled.transactions(0).status(), "Reversed");

  // Capturing a cancelled authorisation is refused.
  capture.set_payment_id(b.payment_id());
  capture.mutable_transactions(0)->set_transaction_id(b.transactions(0).transaction_id());
  s = h_.stub().Capture(Deadline(10).get(), capture, &captured);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(Reasons(s), ElementsAre("PaymentStatusNotValid"));
}

TEST_F(PaymentFlowTest, PartialRefundThenOverRefundIsRejected) {
  v1::StartPaymentResponse started = Start(Harness::CardPayment("12990", v1::CURRENCY_HUF));
  Pay(started.payment_id());
  v1::RefundRequest refund;
  refund.set_payment_id(started.payment_id());
  auto* t = refund.add_transactions_to_refund();
  t->set_transaction_id(started.transactions(0).transaction_id());
  t->set_pos_transaction_id("R1");
  t->set_amount_to_refund("3000");
  t->set_comment("Delivery fee refunded");
  v1::RefundResponse refunded;
  grpc::Status s = h_.stub().Refund(Deadline(10).get(), refund, &refunded);
  ASSERT_TRUE(s.ok()) << s.error_message();
  ASSERT_EQ(refunded.refunded_transactions_size(), 1);
  EXPECT_EQ(refunded.refunded_transactions(0).status(), "Succeeded");
  EXPECT_EQ(refunded.refunded_transactions(0).pos_transaction_id(), "R1");

  t->set_pos_transaction_id("R2");
  t->set_amount_to_refund("9991");  // 1 more than what remains
  s = h_.stub().Refund(Deadline(10).get(), refund, &refunded);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(Reasons(s), ElementsAre("ModelValidationError"));
  EXPECT_THAT(Metadata(s, "description"), HasSubstr("exceeds the refundable amount"));

  t->set_amount_to_refund("9990");  // exactly what remains
  ASSERT_TRUE(h_.stub().Refund(Deadline(10).get(), refund, &refunded).ok());
  v1::GetPaymentStateResponse state = State(started.payment_id());
  EXPECT_EQ(state.status(), v1::PAYMENT_STATUS_SUCCEEDED);
  int refunds = 0;
  for (const auto& tx : state.transactions())
    refunds += tx.transaction_type() == "RefundToBankCard";
  EXPECT_EQ(refunds, 2);
}

TEST_F(PaymentFlowTest, TokenRegisteredThenChargedWithByteExactTraceId) {
  const std::string trace = RegisterToken("tok-ok");
  ASSERT_THAT(trace, HasSubstr("  "));  // the sandbox's trace ids hold a double space
  v1::StartPaymentResponse charged;
  grpc::Status s = Charge("tok-ok", trace, "9.99", v1::CURRENCY_EUR, &charged);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(charged.status(), v1::PAYMENT_STATUS_SUCCEEDED);
  EXPECT_EQ(charged.recurrence_result(), v1::RECURRENCE_RESULT_SUCCESSFUL);
  EXPECT_EQ(charged.trace_id(), trace);

  // A trimmed trace id (a classic bug) fails at the issuer.
  std::string trimmed = trace;
  trimmed.erase(trimmed.find("  "), 1);
  s = Charge("tok-ok", trimmed);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(Reasons(s), ElementsAre("ThreeDsNotEnabled"));
}

TEST_F(PaymentFlowTest, EachTokenErrorCodeReachesTheClient) {
  // InvalidRecurrenceId: never registered.
  grpc::Status s = Charge("tok-unknown", "T  1");
  EXPECT_EQ(s.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_THAT(Reasons(s), ElementsAre("InvalidRecurrenceId"));
  EXPECT_EQ(Metadata(s, "payment_id").size(), 32u) << "the failed charge's payment id";

  // OriginalPaymentWasntSuccessful: the registering card payment was declined.
  {
    v1::StartPaymentRequest r = Harness::CardPayment("9.99", v1::CURRENCY_EUR);
    r.set_initiate_recurrence(true);
    r.set_recurrence_id("tok-declined");
    r.set_recurrence_type(v1::RECURRENCE_TYPE_MERCHANT_INITIATED_PAYMENT);
    Pay(Start(r).payment_id(), R"({"outcome":"decline"})");
    s = Charge("tok-declined", "T  1");
    EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
    EXPECT_THAT(Reasons(s), ElementsAre("OriginalPaymentWasntSuccessful"));
  }

  // RecurringPaymentDenied: the payer's wallet was blocked since.
  std::string trace = RegisterToken("tok-blocked");
  ASSERT_EQ(h_.Control("tokens/demo/tok-blocked", R"({"wallet_blocked":true})"), 200);
  s = Charge("tok-blocked", trace);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(Reasons(s), ElementsAre("RecurringPaymentDenied"));

  // InsufficientFunds: a wallet-funded token with too little balance.
  trace = RegisterToken("tok-poor", R"({"funding":"Balance","wallet_balance":"5.00"})");
  s = Charge("tok-poor", trace, "9.99");
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(Reasons(s), ElementsAre("InsufficientFunds"));
  ASSERT_TRUE(Charge("tok-poor", trace, "5.00").ok()) << "exactly the balance is enough";

  // InvalidCurrency: the wallet has no account in the charge's currency.
  trace = RegisterToken("tok-eur-wallet", R"({"funding":"Balance","wallet_balance":"100"})");
  s = Charge("tok-eur-wallet", trace, "1000", v1::CURRENCY_HUF);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(Reasons(s), ElementsAre("InvalidCurrency"));

  // CardExpired.
  trace = RegisterToken("tok-expired");
  ASSERT_EQ(h_.Control("tokens/demo/tok-expired", R"({"card_expired":true})"), 200);
  s = Charge("tok-expired", trace);
  EXPECT_THAT(Reasons(s), ElementsAre("CardExpired"));

  // RecurringPaymentNotAllowed: the shop is not enabled for token payments.
  ASSERT_EQ(h_.Control("shops/demo", R"({"recurring_allowed":false})"), 200);
  s = Charge("tok-ok-but-shop-disabled", "T  1");
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_THAT(Reasons(s), ElementsAre("RecurringPaymentNotAllowed"));
}

TEST_F(PaymentFlowTest, OneClickNeedingThreeDsIsCompleted) {
  v1::StartPaymentRequest r = Harness::CardPayment("20.00", v1::CURRENCY_EUR);
  r.set_initiate_recurrence(true);
  r.set_recurrence_id("tok-oneclick");
  r.set_recurrence_type(v1::RECURRENCE_TYPE_ONE_CLICK_PAYMENT);
  Pay(Start(r).payment_id());
  ASSERT_EQ(h_.Control("tokens/demo/tok-oneclick", R"({"require_3ds":true})"), 200);

  v1::StartPaymentRequest charge = Harness::CardPayment("20.00", v1::CURRENCY_EUR);
  charge.set_recurrence_id("tok-oneclick");
  charge.set_recurrence_type(v1::RECURRENCE_TYPE_ONE_CLICK_PAYMENT);
  v1::StartPaymentResponse pending = Start(charge);
  EXPECT_EQ(pending.recurrence_result(), v1::RECURRENCE_RESULT_THREE_DS_AUTHENTICATION_REQUIRED);
  EXPECT_THAT(pending.three_ds_auth_client_data(), HasSubstr("ChallengeData"));

  v1::CompleteRequest complete;
  complete.set_payment_id(pending.payment_id());
  v1::CompleteResponse completed;
  grpc::Status s = h_.stub().Complete(Deadline(10).get(), complete, &completed);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_TRUE(completed.is_successful());
  EXPECT_EQ(completed.payment_status(), v1::PAYMENT_STATUS_SUCCEEDED);
}

TEST_F(PaymentFlowTest, UnknownPaymentIsNotFoundAndNoErrorCarriesTheKey) {
  v1::GetPaymentStateRequest r;
  r.set_payment_id("00000000000000000000000000000000");
  v1::GetPaymentStateResponse response;
  grpc::Status s = h_.stub().GetPaymentState(Deadline(5).get(), r, &response);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_THAT(Reasons(s), ElementsAre("NotExistingPaymentId"));
  EXPECT_EQ(Metadata(s, "http_status"), "400");
  EXPECT_EQ((s.error_message() + s.error_details()).find(kPosKey), std::string::npos);
}

TEST_F(PaymentFlowTest, ExpiredAndCancelledPaymentsAreFinal) {
  v1::StartPaymentResponse a = Start(Harness::CardPayment("1000", v1::CURRENCY_HUF));
  v1::StartPaymentResponse b = Start(Harness::CardPayment("2000", v1::CURRENCY_HUF));
  ASSERT_EQ(h_.Control(absl::StrCat("payments/", a.payment_id(), "/expire"), "{}"), 200);
  ASSERT_EQ(h_.Control(absl::StrCat("payments/", b.payment_id(), "/cancel"), "{}"), 200);
  v1::GetPaymentStateResponse expired = State(a.payment_id());
  EXPECT_EQ(expired.status(), v1::PAYMENT_STATUS_EXPIRED);
  EXPECT_EQ(expired.total(), "0");
  EXPECT_EQ(State(b.payment_id()).status(), v1::PAYMENT_STATUS_CANCELED);
  EXPECT_EQ(h_.Control(absl::StrCat("payments/", a.payment_id(), "/pay"), "{}"), 409);
}

TEST(RateLimitTest, ThirdStateCallWithinFiveSecondsIsResourceExhausted) {
  Harness h({/*rate_limit=*/true});
  v1::StartPaymentResponse started;
  ASSERT_TRUE(
      h.stub()
          .StartPayment(Deadline(5).get(), Harness::CardPayment("10", v1::CURRENCY_HUF), &started)
          .ok());
  v1::GetPaymentStateRequest r;
  r.set_payment_id(started.payment_id());
  v1::GetPaymentStateResponse response;
  EXPECT_TRUE(h.stub().GetPaymentState(Deadline(5).get(), r, &response).ok());
  EXPECT_TRUE(h.stub().GetPaymentState(Deadline(5).get(), r, &response).ok());
  grpc::Status s = h.stub().GetPaymentState(Deadline(5).get(), r, &response);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_THAT(Reasons(s), ElementsAre("UPSTREAM_RATE_LIMITED"));
}

}  // namespace
}  // namespace barion_gateway::testing_support

namespace barion_gateway::testing_support {
namespace {

// The QR code behind StartPayment's qr_url, fetched by the gateway (no key sent) and returned as
// bytes: a PNG whose size follows the request.
TEST(QrCodeTest, ReturnsThePaymentsQrImage) {
  Harness h;
  barion::v1::StartPaymentResponse started;
  ASSERT_TRUE(h.stub()
                  .StartPayment(Deadline(10).get(),
                                Harness::CardPayment("1500", barion::v1::CURRENCY_HUF), &started)
                  .ok());
  EXPECT_NE(started.qr_url().find("/qr/generate?paymentId="), std::string::npos);
  barion::v1::GetPaymentQrCodeRequest request;
  request.set_payment_id(started.payment_id());
  barion::v1::GetPaymentQrCodeResponse large, small;
  grpc::Status s = h.stub().GetPaymentQrCode(Deadline(10).get(), request, &large);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(large.content_type(), "image/png");
  ASSERT_GT(large.image().size(), 24u);
  EXPECT_EQ(large.image().substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8));
  auto width = [](const std::string& png) {  // IHDR's first field, big-endian
    return (static_cast<unsigned char>(png[16]) << 24) |
           (static_cast<unsigned char>(png[17]) << 16) |
           (static_cast<unsigned char>(png[18]) << 8) | static_cast<unsigned char>(png[19]);
  };
  EXPECT_EQ(width(large.image()), 300);
  request.set_size(barion::v1::QR_CODE_SIZE_SMALL);
  ASSERT_TRUE(h.stub().GetPaymentQrCode(Deadline(10).get(), request, &small).ok());
  EXPECT_EQ(width(small.image()), 125);

  request.set_payment_id("0123456789abcdef0123456789abcdef");  // no such payment
  barion::v1::GetPaymentQrCodeResponse none;
  s = h.stub().GetPaymentQrCode(Deadline(10).get(), request, &none);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(Reasons(s), std::vector<std::string>{"NotExistingPaymentId"});
  request.set_payment_id("nope");
  s = h.stub().GetPaymentQrCode(Deadline(10).get(), request, &none);
  EXPECT_EQ(BadFields(s), std::vector<std::string>{"payment_id"});
}

}  // namespace
}  // namespace barion_gateway::testing_support

namespace barion_gateway::testing_support {
namespace {

barion::v1::StartGooglePayPaymentRequest GooglePay(const std::string& token) {
  barion::v1::StartGooglePayPaymentRequest r;
  *r.mutable_payment() = Harness::CardPayment("2990", barion::v1::CURRENCY_HUF);
  r.set_payer_email_address("payer@example.com");
  r.set_google_pay_token(token);
  return r;
}

// Barion charges a Google Pay token at once; the charge is an event like any other change.
TEST(GooglePayTest, TheTokenIsChargedAtOnceAndTheChargeIsAnEvent) {
  Harness h;
  barion::v1::StartGooglePayPaymentResponse paid;
  grpc::Status s = h.stub().StartGooglePayPayment(
      Deadline(10).get(), GooglePay(R"({"signature":"MEUCIQ","protocolVersion":"ECv2"})"), &paid);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(paid.status(), barion::v1::PAYMENT_STATUS_SUCCEEDED);
  EXPECT_TRUE(absl::StartsWith(paid.payment_request_id(), "it-2990-")) << paid.payment_request_id();
  barion::v1::GetPaymentStateRequest state_request;
  state_request.set_payment_id(paid.payment_id());
  barion::v1::GetPaymentStateResponse state;
  ASSERT_TRUE(h.stub().GetPaymentState(Deadline(10).get(), state_request, &state).ok());
  EXPECT_EQ(state.total(), "2990");
  EXPECT_EQ(state.funding_source(), barion::v1::FUNDING_SOURCE_GOOGLE_PAY);

  barion::v1::ListPaymentEventsRequest list;
  list.add_payment_ids(paid.payment_id());
  barion::v1::ListPaymentEventsResponse events;
  for (int i = 0; i < 300 && events.events_size() == 0; ++i) {
    events.Clear();
    ASSERT_TRUE(h.events().ListPaymentEvents(Deadline(5).get(), list, &events).ok());
    if (events.events_size() == 0) absl::SleepFor(absl::Milliseconds(10));
  }
  ASSERT_EQ(events.events_size(), 1);
  EXPECT_EQ(events.events(0).snapshot().status(), barion::v1::PAYMENT_STATUS_SUCCEEDED);

  barion::v1::StartGooglePayPaymentResponse declined;
  ASSERT_TRUE(
      h.stub().StartGooglePayPayment(Deadline(10).get(), GooglePay("decline-me"), &declined).ok());
  EXPECT_EQ(declined.status(), barion::v1::PAYMENT_STATUS_FAILED);
}

TEST(GooglePayTest, BadRequestsNameNestedFields) {
  Harness h;
  barion::v1::StartGooglePayPaymentRequest r = GooglePay("");
  r.set_payer_email_address("nobody");
  r.mutable_payment()->mutable_transactions(0)->set_total("29.90");  // HUF: no decimals
  barion::v1::StartGooglePayPaymentResponse response;
  grpc::Status s = h.stub().StartGooglePayPayment(Deadline(10).get(), r, &response);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(BadFields(s), testing::IsSupersetOf({"payment.transactions[0].total",
                                                   "payer_email_address", "google_pay_token"}));
}

}  // namespace
}  // namespace barion_gateway::testing_support

namespace barion_gateway::testing_support {
namespace {

barion::v1::StartApplePayPaymentRequest ApplePay(const std::string& data) {
  barion::v1::StartApplePayPaymentRequest r;
  *r.mutable_payment() = Harness::CardPayment("4100", barion::v1::CURRENCY_HUF);
  r.mutable_payment()->clear_funding_sources();
  r.mutable_token()->set_transaction_identifier("8D3C3A0C24E1F3");
  auto* d = r.mutable_token()->mutable_payment_data();
  d->set_data(data);
  d->set_signature("MIAGCSqGSIb3DQEHAqCAMIACAQE");
  d->mutable_header()->set_ephemeral_public_key("MFkwEwYHKoZIzj0CAQ");
  d->mutable_header()->set_public_key_hash("LbsUwAT6w1JV9tFXocU813TCHks");
  d->mutable_header()->set_transaction_id("8d3c3a0c24e1f3");
  d->set_version("EC_v1");
  for (barion::v1::ApplePayContact* c :
       {r.mutable_shipping_contact(), r.mutable_billing_contact()}) {
    c->set_given_name("Anna");
    c->set_family_name("Kiss");
    c->set_email_address("anna@example.com");
    c->mutable_postal_address()->set_city("Budapest");
    c->mutable_postal_address()->set_iso_country_code("HU");
  }
  return r;
}

TEST(ApplePayTest, SessionIsValidatedAndTheTokenCharged) {
  Harness h;
  barion::v1::ValidateApplePaySessionRequest session;
  session.set_session_request_url(
      "https://apple-pay-gateway.apple.com/paymentservices/startSession");
  session.set_shop_url("https://shop.example/checkout");
  barion::v1::ValidateApplePaySessionResponse merchant;
  grpc::Status s = h.stub().ValidateApplePaySession(Deadline(10).get(), session, &merchant);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_THAT(merchant.merchant_session_json(),
              testing::HasSubstr("\"merchantSessionIdentifier\""));
  EXPECT_THAT(merchant.merchant_session_json(),
              testing::HasSubstr("\"domainName\":\"shop.example\""));

  barion::v1::StartApplePayPaymentResponse paid;
  s = h.stub().StartApplePayPayment(Deadline(10).get(), ApplePay("bmV0d29ya0RhdGE="), &paid);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(paid.status(), barion::v1::PAYMENT_STATUS_SUCCEEDED);
  barion::v1::GetPaymentStateRequest state_request;
  state_request.set_payment_id(paid.payment_id());
  barion::v1::GetPaymentStateResponse state;
  ASSERT_TRUE(h.stub().GetPaymentState(Deadline(10).get(), state_request, &state).ok());
  EXPECT_EQ(state.funding_source(), barion::v1::FUNDING_SOURCE_APPLE_PAY);

  ASSERT_TRUE(h.stub().StartApplePayPayment(Deadline(10).get(), ApplePay("decline"), &paid).ok());
  EXPECT_EQ(paid.status(), barion::v1::PAYMENT_STATUS_FAILED);
}

TEST(ApplePayTest, BadRequestsNameTheirFields) {
  Harness h;
  barion::v1::ValidateApplePaySessionRequest session;
  session.set_session_request_url("http://apple-pay-gateway.apple.com/");
  barion::v1::ValidateApplePaySessionResponse merchant;
  grpc::Status s = h.stub().ValidateApplePaySession(Deadline(10).get(), session, &merchant);
  EXPECT_THAT(BadFields(s), testing::ElementsAre("session_request_url", "shop_url"));

  barion::v1::StartApplePayPaymentRequest r = ApplePay("");
  r.mutable_token()->clear_transaction_identifier();
  r.mutable_payment()->set_payment_request_id("");
  barion::v1::StartApplePayPaymentResponse paid;
  s = h.stub().StartApplePayPayment(Deadline(10).get(), r, &paid);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(BadFields(s),
              testing::IsSupersetOf({"payment.payment_request_id", "token.transaction_identifier",
                                     "token.payment_data.data"}));

  // Both contacts are required, as Barion requires them; a bad e-mail in one is named.
  r = ApplePay("data");
  r.clear_shipping_contact();
  r.mutable_billing_contact()->set_email_address("nobody");
  const int64_t before = SandboxRequests(h);
  s = h.stub().StartApplePayPayment(Deadline(10).get(), r, &paid);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(BadFields(s),
              testing::ElementsAre("shipping_contact", "billing_contact.email_address"));
  EXPECT_EQ(SandboxRequests(h), before);
}

}  // namespace
}  // namespace barion_gateway::testing_support

namespace barion_gateway::testing_support {
namespace {

// Barion's refusals reach the wallet-token starts and the QR code as structured errors.
TEST(TokenStartErrorTest, AClosedShopRefusesGooglePayAndApplePay) {
  Harness h;
  ASSERT_EQ(h.Control("shops/demo", R"({"closed":true})"), 200);
  barion::v1::StartGooglePayPaymentResponse google;
  grpc::Status s = h.stub().StartGooglePayPayment(Deadline(10).get(), GooglePay("token"), &google);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(Reasons(s), std::vector<std::string>{"ShopIsClosed"});
  barion::v1::StartApplePayPaymentResponse apple;
  s = h.stub().StartApplePayPayment(Deadline(10).get(), ApplePay("data"), &apple);
  EXPECT_EQ(Reasons(s), std::vector<std::string>{"ShopIsClosed"});
  barion::v1::ValidateApplePaySessionRequest session;
  session.set_session_request_url(
      "https://apple-pay-gateway.apple.com/paymentservices/startSession");
  session.set_shop_url("https://shop.example/checkout");
  barion::v1::ValidateApplePaySessionResponse merchant;
  s = h.stub().ValidateApplePaySession(Deadline(10).get(), session, &merchant);
  EXPECT_EQ(Reasons(s), std::vector<std::string>{"ShopIsClosed"});
}

}  // namespace
}  // namespace barion_gateway::testing_support

namespace barion_gateway::testing_support {
namespace {

// A client that retries StartPayment (its answer was lost) gets the same payment, and Barion
// sees one start; a different request under the same id is refused.
TEST(StartDedupeTest, ARetriedStartIsTheSamePayment) {
  Harness h;
  const barion::v1::StartPaymentRequest r = Harness::CardPayment("990", barion::v1::CURRENCY_HUF);
  const std::string before = h.ControlGet("stats");
  barion::v1::StartPaymentResponse first, second;
  ASSERT_TRUE(h.stub().StartPayment(Deadline(10).get(), r, &first).ok());
  ASSERT_TRUE(h.stub().StartPayment(Deadline(10).get(), r, &second).ok());
  EXPECT_EQ(second.payment_id(), first.payment_id());
  EXPECT_EQ(second.gateway_url(), first.gateway_url());
  const std::string after = h.ControlGet("stats");
  auto payments = [](const std::string& stats) {
    const size_t at = stats.find("\"payments\":") + 11;
    return std::stoi(stats.substr(at, stats.find_first_of(",}", at) - at));
  };
  EXPECT_EQ(payments(after), payments(before) + 1) << before << " " << after;

  barion::v1::StartPaymentRequest changed = r;
  changed.mutable_transactions(0)->set_comment("different");
  barion::v1::StartPaymentResponse third;
  grpc::Status s = h.stub().StartPayment(Deadline(10).get(), changed, &third);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::ALREADY_EXISTS);
  EXPECT_EQ(Reasons(s), std::vector<std::string>{"PAYMENT_REQUEST_ID_REUSED"});
}

}  // namespace
}  // namespace barion_gateway::testing_support
