// PaymentEvents on its own, over a real SQLite log: a read or a subscription is validated and
// scoped to its caller before anything is read, without gRPC (a second proof beside
// event_hub_test's streams): a caller allowed one shop reads only that shop's events, and asking
// for another is PERMISSION_DENIED; bad filters and foreign cursors are INVALID_ARGUMENT naming
// the field; a subscription says where it starts.
#include "server/operations/payment_events.h"

#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "server/api/rpc.h"
#include "server/common/errors.h"
#include "server/events/sqlite/sqlite_event_store.h"
#include "tests/server/auth/test_policy.h"

namespace barion_gateway::server {
namespace {

namespace v1 = ::barion::v1;

constexpr char kWebToken[] = "web-only-token-0123456789abcdef0123";
constexpr char kNoShopToken[] = "no-shop-token-0123456789abcdef012345";

class PaymentEventsTest : public testing::Test {
 protected:
  void SetUp() override {
    static int n = 0;
    store_ =
        *SqliteEventStore::Open(absl::StrCat(testing::TempDir(), "/payment-events-", n++, ".db"));
    for (const char* shop : {"web", "kiosk", "web", "kiosk"}) {
      v1::PaymentEvent e;
      e.set_shop(shop);
      e.set_payment_id(absl::StrCat(shop, "-", ++appended_));
      e.mutable_snapshot()->set_payment_id(e.payment_id());
      e.mutable_snapshot()->set_status(v1::PAYMENT_STATUS_SUCCEEDED);
      ASSERT_TRUE(store_->AppendIfChanged(e).ok());
    }
    holder_ = std::make_unique<AuthenticatorHolder>(
        std::make_shared<const Authenticator>(std::vector<CallerPolicy>{
            TokenCaller("web-app", kWebToken, {"/barion.v1.PaymentEventService/*"}, {"web"}),
            TokenCaller("nothing", kNoShopToken, {"/barion.v1.PaymentEventService/*"}, {})}));
    events_ = std::make_unique<PaymentEvents>(store_.get(), std::set<std::string>{"web", "kiosk"},
                                              holder_.get());
  }

  Call CallOf(const std::string& token, Rpc rpc) {
    Credentials credentials;
    credentials.has_authorization = true;
    credentials.bearer_token = token;
    Call call;
    call.caller = *holder_->Current()->Authenticate(credentials);
    call.method = MethodOf(rpc).full_name;
    return call;
  }

  int appended_ = 0;
  std::unique_ptr<SqliteEventStore> store_;
  std::unique_ptr<AuthenticatorHolder> holder_;
  std::unique_ptr<PaymentEvents> events_;
};

TEST_F(PaymentEventsTest, AListIsScopedToTheShopsTheCallerMayRead) {
  const Call web = CallOf(kWebToken, Rpc::kListPaymentEvents);
  absl::StatusOr<v1::ListPaymentEventsResponse> all = events_->List({}, web);
  ASSERT_TRUE(all.ok()) << all.status();
  ASSERT_EQ(all->events_size(), 2);
  for (const v1::PaymentEvent& e : all->events()) EXPECT_EQ(e.shop(), "web");
  EXPECT_EQ(all->next_cursor(), all->events(1).cursor());

  v1::ListPaymentEventsRequest other;
  other.set_shop("kiosk");
  EXPECT_EQ(events_->List(other, web).status().code(), absl::StatusCode::kPermissionDenied);
  // A caller that may use no shop reads nothing (an empty scope must not mean every shop).
  EXPECT_EQ(events_->List({}, CallOf(kNoShopToken, Rpc::kListPaymentEvents)).status().code(),
            absl::StatusCode::kPermissionDenied);
  // Open policy: every shop.
  Call anyone;
  anyone.caller = *OpenPolicy()->Current()->Authenticate({});
  anyone.method = MethodOf(Rpc::kListPaymentEvents).full_name;
  EXPECT_EQ(events_->List({}, anyone)->events_size(), 4);
}

TEST_F(PaymentEventsTest, BadRequestsNameTheirFields) {
  const Call web = CallOf(kWebToken, Rpc::kListPaymentEvents);
  v1::ListPaymentEventsRequest bad;
  bad.set_page_size(1001);
  bad.set_after_cursor("not-a-cursor");
  bad.add_statuses(v1::PAYMENT_STATUS_UNSPECIFIED);
  const absl::Status status = events_->List(bad, web).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ViolatedFields(status),
            (std::vector<std::string>{"after_cursor", "page_size", "statuses[0]"}));
  v1::ListPaymentEventsRequest many;
  for (int i = 0; i < 101; ++i) many.add_payment_ids("p");
  EXPECT_EQ(ViolatedFields(events_->List(many, web).status()),
            std::vector<std::string>{"payment_ids"});
}

TEST_F(PaymentEventsTest, ASubscriptionIsScopedAndSaysWhereItStarts) {
  const Call web = CallOf(kWebToken, Rpc::kSubscribePaymentEvents);
  const EventCursor head = *store_->LastCursor();
  absl::StatusOr<ScopedSubscription> now = events_->Subscribe({}, web, head);
  ASSERT_TRUE(now.ok()) << now.status();
  EXPECT_EQ(now->filter.shops, std::vector<std::string>{"web"});
  EXPECT_FALSE(now->after_cursor.has_value());
  EXPECT_EQ(now->start(), "now");
  EXPECT_EQ(now->scope(), std::vector<std::string>{"web"});
  // A scoped stream starts at its own shops' newest event, not at the log's head (a kiosk event).
  ASSERT_TRUE(now->scoped_start.has_value());
  EXPECT_LT(*now->scoped_start, head);
  EXPECT_TRUE(now->still_allowed());

  v1::SubscribePaymentEventsRequest beginning;
  beginning.set_start(v1::SUBSCRIPTION_START_BEGINNING);
  absl::StatusOr<ScopedSubscription> from_start = events_->Subscribe(beginning, web, head);
  ASSERT_TRUE(from_start.ok());
  EXPECT_EQ(from_start->after_cursor, EventCursor());
  EXPECT_FALSE(from_start->scoped_start.has_value());

  v1::SubscribePaymentEventsRequest kiosk;
  kiosk.set_shop("kiosk");
  EXPECT_EQ(events_->Subscribe(kiosk, web, head).status().code(),
            absl::StatusCode::kPermissionDenied);
}

TEST_F(PaymentEventsTest, ASubscriptionOfAnUnknownShopOrStartIsRefused) {
  Call anyone;
  anyone.caller = *OpenPolicy()->Current()->Authenticate({});
  anyone.method = MethodOf(Rpc::kSubscribePaymentEvents).full_name;
  v1::SubscribePaymentEventsRequest request;
  request.set_shop("nosuchshop");
  request.set_start(static_cast<v1::SubscriptionStart>(99));
  const absl::Status status = events_->Subscribe(request, anyone, EventCursor()).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ViolatedFields(status), (std::vector<std::string>{"shop", "start"}));
}

TEST_F(PaymentEventsTest, AReloadThatTakesTheShopAwayIsSeenByStillAllowed) {
  const Call web = CallOf(kWebToken, Rpc::kSubscribePaymentEvents);
  absl::StatusOr<ScopedSubscription> subscription =
      events_->Subscribe({}, web, *store_->LastCursor());
  ASSERT_TRUE(subscription.ok());
  EXPECT_TRUE(subscription->still_allowed());
  holder_->Replace(std::make_shared<const Authenticator>(std::vector<CallerPolicy>{
      TokenCaller("web-app", kWebToken, {"/barion.v1.PaymentEventService/*"}, {"kiosk"})}));
  EXPECT_FALSE(subscription->still_allowed());
}

}  // namespace
}  // namespace barion_gateway::server
