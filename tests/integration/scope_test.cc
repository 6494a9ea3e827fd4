// What a caller limited to one shop can reach through the real gateway and sandbox: only its
// shop's payees (payees are pinned), only its shop's payments' QR codes (Barion's QR endpoint
// takes no key, so Barion does not scope it), and nothing of another shop whose POSKey is the
// same (shop aliases are refused). A refused call never reaches Barion.
#include <string>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "httplib.h"
#include "rapidjson/document.h"
#include "tests/integration/harness.h"
#include "tests/server/auth/test_policy.h"

namespace barion_gateway::testing_support {
namespace {

namespace v1 = ::barion::v1;
using server::TokenCaller;
using testing::ElementsAre;
using testing::HasSubstr;

constexpr char kDemoToken[] = "token-of-the-demo-frontend-0123456789abcd";
constexpr char kOutletToken[] = "token-of-the-outlet-frontend-0123456789ab";
constexpr char kOutletWatcherToken[] = "token-of-the-outlet-watcher-0123456789abc";

HarnessOptions TwoShops() {
  HarnessOptions options;
  options.second_shop = true;
  options.callers = {
      TokenCaller("demo-frontend", kDemoToken,
                  {"/barion.v1.PaymentService/*", "/barion.v1.PaymentEventService/*"}, {"demo"}),
      TokenCaller("outlet-frontend", kOutletToken, {"/barion.v1.PaymentService/*"}, {"outlet"})};
  return options;
}

// A card payment of the demo shop (the gateway serves two: the shop must be named).
v1::StartPaymentRequest DemoPayment(const std::string& total = "1000") {
  v1::StartPaymentRequest r = Harness::CardPayment(total, v1::CURRENCY_HUF);
  r.set_shop("demo");
  return r;
}

class PayeeTest : public testing::Test {
 protected:
  grpc::Status Start(const v1::StartPaymentRequest& request) {
    v1::StartPaymentResponse response;
    return h_.stub().StartPayment(WithToken(kDemoToken).get(), request, &response);
  }
  Harness h_{TwoShops()};
};

TEST_F(PayeeTest, AnotherWalletAsPayeeIsRefusedBeforeBarion) {
  const int64_t before = SandboxRequests(h_);
  v1::StartPaymentRequest r = DemoPayment();
  r.mutable_transactions(0)->set_payee(kWalletEmail);  // a real wallet, not the shop's
  grpc::Status s = Start(r);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED) << s.error_message();
  EXPECT_THAT(Reasons(s), ElementsAre("PAYEE_NOT_ALLOWED"));
  EXPECT_EQ(Metadata(s, "field"), "transactions[0].payee");

  r = DemoPayment();
  v1::PayeeTransaction* commission = r.mutable_transactions(0)->add_payee_transactions();
  commission->set_pos_transaction_id("fee-1");
  commission->set_payee(kOutletPayee);  // another shop's wallet: also not this shop's to pay
  commission->set_total("10");
  s = Start(r);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Metadata(s, "field"), "transactions[0].payee_transactions[0].payee");

  v1::StartGooglePayPaymentRequest google;
  *google.mutable_payment() = DemoPayment();
  google.mutable_payment()->mutable_transactions(0)->set_payee(kWalletEmail);
  google.set_payer_email_address("payer@example.com");
  google.set_google_pay_token(R"({"signature":"x","protocolVersion":"ECv2"})");
  v1::StartGooglePayPaymentResponse google_response;
  s = h_.stub().StartGooglePayPayment(WithToken(kDemoToken).get(), google, &google_response);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Metadata(s, "field"), "payment.transactions[0].payee");
  EXPECT_EQ(SandboxRequests(h_), before);
}

TEST_F(PayeeTest, TheShopsOwnPayeeInAnyCaseStillPays) {
  v1::StartPaymentRequest r = DemoPayment();
  r.mutable_transactions(0)->set_payee("Demo-Shop@Sandbox.Local");
  grpc::Status s = Start(r);
  EXPECT_TRUE(s.ok()) << s.error_message();
}

TEST(AllowedPayeesTest, AConfiguredPayeeMayBePaid) {
  HarnessOptions options;
  options.demo_allowed_payees = {kWalletEmail};
  Harness h(options);
  v1::StartPaymentRequest r = Harness::CardPayment("1000", v1::CURRENCY_HUF);
  v1::PayeeTransaction* commission = r.mutable_transactions(0)->add_payee_transactions();
  commission->set_pos_transaction_id("fee-1");
  commission->set_payee(kWalletEmail);
  commission->set_total("10");
  v1::StartPaymentResponse response;
  grpc::Status s = h.stub().StartPayment(Deadline(10).get(), r, &response);
  EXPECT_TRUE(s.ok()) << s.error_message();
}

// A payment of the outlet shop started at Barion without the gateway (the gateway does not know
// it): its id.
std::string StartedElsewhere(Harness& h) {
  httplib::Client client(h.sandbox().http_url());
  auto res = client.Post("/v2/Payment/Start", {{"x-pos-key", kOutletPosKey}},
                         absl::StrCat(R"({"PaymentType":"Immediate","FundingSources":["All"],
      "GuestCheckOut":true,"PaymentRequestId":"elsewhere-1","RedirectUrl":"https://o.example/r",
      "Locale":"hu-HU","Currency":"HUF","Transactions":[{"POSTransactionId":"t1","Payee":")",
                                      kOutletPayee, R"(","Total":700,"Items":[]}]})"),
                         "application/json");
  if (!res || res->status != 200) return "";
  rapidjson::Document doc;
  doc.Parse(res->body.c_str());
  return doc.IsObject() && doc.HasMember("PaymentId") ? doc["PaymentId"].GetString() : "";
}

TEST(QrScopeTest, OnlyTheRequestedShopsPaymentsHaveAQrCode) {
  Harness h(TwoShops());
  v1::StartPaymentResponse demo_payment;
  ASSERT_TRUE(
      h.stub().StartPayment(WithToken(kDemoToken).get(), DemoPayment("1500"), &demo_payment).ok());
  v1::GetPaymentQrCodeRequest request;
  request.set_shop("outlet");
  request.set_payment_id(demo_payment.payment_id());
  v1::GetPaymentQrCodeResponse qr;
  grpc::Status s = h.stub().GetPaymentQrCode(WithToken(kOutletToken).get(), request, &qr);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::NOT_FOUND) << s.error_message();
  EXPECT_TRUE(qr.image().empty());

  // The outlet's own payment, unknown to the gateway: the outlet's GetPaymentState finds it.
  const std::string elsewhere = StartedElsewhere(h);
  ASSERT_FALSE(elsewhere.empty());
  request.set_payment_id(elsewhere);
  s = h.stub().GetPaymentQrCode(WithToken(kOutletToken).get(), request, &qr);
  EXPECT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(qr.content_type(), "image/png");

  // The demo shop's own payment, known from its start: no Barion call besides the image.
  const int64_t before = SandboxRequests(h);
  request.set_shop("demo");
  request.set_payment_id(demo_payment.payment_id());
  s = h.stub().GetPaymentQrCode(WithToken(kDemoToken).get(), request, &qr);
  EXPECT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(SandboxRequests(h), before + 1);
}

TEST(ShopAliasTest, AReloadThatGivesTwoShopsOnePosKeyIsRefused) {
  Harness h(TwoShops());
  server::Config next = h.config();
  // The outlet now has the demo shop's key, written the other way Barion accepts it.
  next.shops[1].pos_key = "5E4F7A1C-2B3D-4E5F-8091-A2B3C4D5E6F7";
  absl::Status s = h.gateway().Reload(next);
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(s.message()), HasSubstr("\"demo\" and \"outlet\" have the same POSKey"));
  EXPECT_THAT(std::string(s.message()), testing::Not(HasSubstr(kPosKey)));
}

// A stream of a caller limited to one shop gets that shop's events and never another's, through
// the real gateway with Barion's callbacks (a second proof beside event_hub_test's).
TEST(ScopedStreamTest, AStreamOfOneShopNeverCarriesAnothersEvent) {
  Harness h(TwoShops());
  auto context = WithToken(kDemoToken);
  context->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(20));
  auto stream = h.events().SubscribePaymentEvents(context.get(), {});
  v1::SubscribePaymentEventsResponse message;
  ASSERT_TRUE(stream->Read(&message));  // the start heartbeat
  auto pay = [&h](const char* token, v1::StartPaymentRequest r) {
    v1::StartPaymentResponse started;
    EXPECT_TRUE(h.stub().StartPayment(WithToken(token).get(), r, &started).ok());
    EXPECT_EQ(h.Control(absl::StrCat("payments/", started.payment_id(), "/pay"), "{}"), 200);
    return started.payment_id();
  };
  v1::StartPaymentRequest outlet = Harness::CardPayment("2000", v1::CURRENCY_HUF);
  outlet.set_shop("outlet");
  outlet.mutable_transactions(0)->set_payee(kOutletPayee);
  const std::string outlet_id = pay(kOutletToken, outlet);
  // The outlet's event is in the log before the demo payment is made: a stream that let other
  // shops' events through would carry it before the demo's.
  server::EventFilter outlet_only;
  outlet_only.payment_ids = {outlet_id};
  for (absl::Time until = absl::Now() + absl::Seconds(10); absl::Now() < until;) {
    auto events = h.gateway().event_store()->ReadAfter(server::EventCursor(), outlet_only, 10);
    if (events.ok() && !events->empty()) break;
    absl::SleepFor(absl::Milliseconds(20));
  }
  ASSERT_EQ(h.gateway().event_store()->ReadAfter(server::EventCursor(), outlet_only, 10)->size(),
            1u);
  const std::string demo_id = pay(kDemoToken, DemoPayment());
  std::vector<std::string> got;
  while (stream->Read(&message)) {
    if (!message.has_event()) continue;
    EXPECT_EQ(message.event().shop(), "demo") << message.event().payment_id();
    got.push_back(message.event().payment_id());
    if (message.event().payment_id() == demo_id) break;
  }
  EXPECT_THAT(got, ElementsAre(demo_id));
  context->TryCancel();
}

// A stream limited to one shop never learns how much other shops do: its start heartbeat, its
// heartbeats and its final status carry only positions of its own shop's events.
TEST(ScopedStreamTest, PositionsRevealNothingOfOtherShops) {
  HarnessOptions options = TwoShops();
  options.callers.push_back(TokenCaller("outlet-watcher", kOutletWatcherToken,
                                        {"/barion.v1.PaymentEventService/*"}, {"outlet"}));
  options.heartbeat_interval = absl::Milliseconds(100);
  Harness h(options);
  auto pay = [&h](const char* token, v1::StartPaymentRequest r) {
    v1::StartPaymentResponse started;
    EXPECT_TRUE(h.stub().StartPayment(WithToken(token).get(), r, &started).ok());
    EXPECT_EQ(h.Control(absl::StrCat("payments/", started.payment_id(), "/pay"), "{}"), 200);
    return started.payment_id();
  };
  for (int i = 0; i < 3; ++i) pay(kDemoToken, DemoPayment());  // the demo shop is busy
  // Wait until the demo shop's events are in the log.
  for (absl::Time until = absl::Now() + absl::Seconds(10); absl::Now() < until;) {
    v1::ListPaymentEventsRequest list;
    v1::ListPaymentEventsResponse listed;
    h.events().ListPaymentEvents(WithToken(kDemoToken).get(), list, &listed);
    if (listed.events_size() >= 3) break;
    absl::SleepFor(absl::Milliseconds(50));
  }

  auto context = WithToken(kOutletWatcherToken);
  context->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
  auto stream = h.events().SubscribePaymentEvents(context.get(), {});
  v1::SubscribePaymentEventsResponse message;
  ASSERT_TRUE(stream->Read(&message));
  ASSERT_TRUE(message.has_heartbeat());
  EXPECT_EQ(message.heartbeat().cursor(), "0") << "the outlet has no event yet";
  pay(kDemoToken, DemoPayment());  // more of the demo shop's activity while the stream runs
  for (int beats = 0; beats < 3;) {
    ASSERT_TRUE(stream->Read(&message));
    ASSERT_TRUE(message.has_heartbeat()) << "an event of another shop";
    EXPECT_EQ(message.heartbeat().cursor(), "0");
    ++beats;
  }
  v1::StartPaymentRequest outlet = Harness::CardPayment("900", v1::CURRENCY_HUF);
  outlet.set_shop("outlet");
  pay(kOutletToken, outlet);
  std::string own;
  while (own.empty()) {
    ASSERT_TRUE(stream->Read(&message));
    if (message.has_event()) own = message.event().cursor();
  }
  pay(kDemoToken, DemoPayment());
  for (int beats = 0; beats < 3;) {
    ASSERT_TRUE(stream->Read(&message));
    if (!message.has_heartbeat()) continue;  // the outlet payment's later changes
    EXPECT_EQ(message.heartbeat().cursor(), own);
    ++beats;
  }
  context->TryCancel();
  while (stream->Read(&message)) {
  }
  stream->Finish();

  // A cursor past the head is refused without naming the head.
  auto late = WithToken(kOutletWatcherToken);
  v1::SubscribePaymentEventsRequest after;
  after.set_after_cursor(std::to_string(std::stoll(own) + 1000));  // this store's, past its head
  auto refused = h.events().SubscribePaymentEvents(late.get(), after);
  EXPECT_FALSE(refused->Read(&message));
  const grpc::Status s = refused->Finish();
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), testing::HasSubstr("is after the newest event"));
  // Cursors are decimal: the head would show as a number in the message.
  EXPECT_THAT(s.error_message(), testing::Not(testing::ContainsRegex("[0-9]")));
}

}  // namespace
}  // namespace barion_gateway::testing_support
