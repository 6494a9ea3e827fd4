// SubscribePaymentEvents over a real gRPC server, a real SQLite store and the EventHub (the
// fixture in event_hub_fixture.h): replay then live without gap or duplicate, start points,
// filters, the caller's shops, bad requests, heartbeats. Flow control, limits and endings are in
// event_hub_flow_test.cc.
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/time_util.h"
#include "gtest/gtest.h"
#include "tests/server/events/event_hub_fixture.h"
#include "tests/support/status_details.h"

namespace barion_gateway::server {
namespace {

namespace v1 = ::barion::v1;
using testing_support::BadFields;
using testing_support::Metadata;
using testing_support::Reasons;

// The ring holds few events and the store is read in small batches, so a subscriber from the
// beginning replays from the store, then from the ring, then goes live, while events keep
// arriving. It must see every event once, in order.
TEST_F(EventHubTest, ReplaysThenGoesLiveWithoutGapOrDuplicate) {
  EventHub::Options options;
  options.ring_events = 16;
  options.read_batch = 7;
  Start(options);
  std::vector<int64_t> appended;
  for (int i = 0; i < 100; ++i) appended.push_back(Append(absl::StrCat("p", i % 10)));

  v1::SubscribePaymentEventsRequest request;
  request.set_start(v1::SUBSCRIPTION_START_BEGINNING);
  auto sub = SubscribeAndConfirm(request, 0);
  std::thread writer([&] {
    for (int i = 0; i < 300; ++i) {
      appended.push_back(Append(absl::StrCat("p", i % 10)));
      if (i % 50 == 0) absl::SleepFor(absl::Milliseconds(5));
    }
  });
  std::vector<int64_t> received;
  bool ended = false;
  while (received.size() < 400 && !ended) {
    std::optional<v1::PaymentEvent> e = sub->NextEvent();
    ended = !e.has_value();
    if (!ended) received.push_back(Cursor(e->cursor()));
  }
  // Joined on every path: a failure below must not leave a joinable thread (that aborts the
  // whole test binary).
  writer.join();
  EXPECT_FALSE(ended) << "stream ended after " << received.size();
  EXPECT_EQ(received, appended);
}

TEST_F(EventHubTest, StartsNowOrAfterACursorAndFilters) {
  Start(EventHub::Options());
  const int64_t first = Append("a");
  const int64_t second = Append("b", v1::PAYMENT_STATUS_SUCCEEDED);
  const int64_t third = Append("c", v1::PAYMENT_STATUS_PREPARED, "kiosk");

  // NOW (the default): only what comes after subscribing.
  v1::SubscribePaymentEventsRequest now;
  auto live = SubscribeAndConfirm(now, third);
  // After a cursor: the rest, then live.
  v1::SubscribePaymentEventsRequest after;
  after.set_after_cursor(absl::StrCat(first));
  auto resumed = SubscribeAndConfirm(after, first);
  // Filters: one payment; one status; one shop.
  v1::SubscribePaymentEventsRequest by_payment;
  by_payment.set_start(v1::SUBSCRIPTION_START_BEGINNING);
  by_payment.add_payment_ids("b");
  auto only_b = SubscribeAndConfirm(by_payment, 0);
  v1::SubscribePaymentEventsRequest by_status;
  by_status.set_start(v1::SUBSCRIPTION_START_BEGINNING);
  by_status.add_statuses(v1::PAYMENT_STATUS_SUCCEEDED);
  auto succeeded = SubscribeAndConfirm(by_status, 0);
  v1::SubscribePaymentEventsRequest by_shop;
  by_shop.set_start(v1::SUBSCRIPTION_START_BEGINNING);
  by_shop.set_shop("kiosk");
  auto kiosk = SubscribeAndConfirm(by_shop, 0);

  const int64_t fourth = Append("b", v1::PAYMENT_STATUS_SUCCEEDED);
  const int64_t fifth = Append("d", v1::PAYMENT_STATUS_SUCCEEDED, "kiosk");

  EXPECT_EQ(live->NextEvent()->cursor(), absl::StrCat(fourth));
  EXPECT_EQ(live->NextEvent()->cursor(), absl::StrCat(fifth));
  EXPECT_EQ(resumed->NextEvent()->cursor(), absl::StrCat(second));
  EXPECT_EQ(resumed->NextEvent()->payment_id(), "c");
  EXPECT_EQ(resumed->NextEvent()->cursor(), absl::StrCat(fourth));
  EXPECT_EQ(only_b->NextEvent()->cursor(), absl::StrCat(second));
  EXPECT_EQ(only_b->NextEvent()->cursor(), absl::StrCat(fourth));
  EXPECT_EQ(succeeded->NextEvent()->payment_id(), "b");
  EXPECT_EQ(succeeded->NextEvent()->payment_id(), "b");
  EXPECT_EQ(succeeded->NextEvent()->payment_id(), "d");
  std::optional<v1::PaymentEvent> k = kiosk->NextEvent();
  EXPECT_EQ(k->payment_id(), "c");
  EXPECT_EQ(k->shop(), "kiosk");
  EXPECT_EQ(k->snapshot().status(), v1::PAYMENT_STATUS_PREPARED);
  EXPECT_EQ(k->snapshot().payment_id(), "c");
  EXPECT_EQ(kiosk->NextEvent()->payment_id(), "d");
}

// A caller allowed only the shop "web" never receives an event of "kiosk", whatever it asks for:
// without a shop filter it sees web's events only, live and replayed; naming kiosk is
// PERMISSION_DENIED (not an empty stream); ListPaymentEvents is filtered the same way.
TEST_F(EventHubTest, ACallerSeesOnlyTheShopsItMayUse) {
  constexpr char kWebToken[] = "token-of-the-web-subscriber-0123456789";
  const AuthenticatorHolder holder(std::make_shared<const Authenticator>(std::vector<CallerPolicy>{
      TokenCaller("web-watcher", kWebToken, {"/barion.v1.PaymentEventService/*"}, {"web"})}));
  auth_ = &holder;
  Start(EventHub::Options());
  Append("w1");
  Append("k1", v1::PAYMENT_STATUS_PREPARED, "kiosk");

  v1::SubscribePaymentEventsRequest everything;
  everything.set_start(v1::SUBSCRIPTION_START_BEGINNING);
  auto sub = std::make_unique<Sub>();
  sub->context.AddMetadata("authorization", absl::StrCat("Bearer ", kWebToken));
  sub->context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(10)));
  sub->reader = stub_->SubscribePaymentEvents(&sub->context, everything);
  ASSERT_TRUE(sub->Read());  // the start heartbeat
  for (int i = 0; i < 5; ++i) {
    Append(absl::StrCat("k", i + 2), v1::PAYMENT_STATUS_PREPARED, "kiosk");
    Append(absl::StrCat("w", i + 2));
  }
  std::vector<std::string> seen;
  while (seen.size() < 6) {
    std::optional<v1::PaymentEvent> e = sub->NextEvent();
    ASSERT_TRUE(e.has_value());
    EXPECT_EQ(e->shop(), "web") << e->payment_id();
    seen.push_back(e->payment_id());
  }
  EXPECT_EQ(seen, (std::vector<std::string>{"w1", "w2", "w3", "w4", "w5", "w6"}));

  auto finish = [&](const v1::SubscribePaymentEventsRequest& request, const char* token) {
    auto other = std::make_unique<Sub>();
    if (token != nullptr)
      other->context.AddMetadata("authorization", absl::StrCat("Bearer ", token));
    // A stream that should have been refused but was not ends at the deadline: the test fails
    // instead of hanging.
    other->context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(10)));
    other->reader = stub_->SubscribePaymentEvents(&other->context, request);
    while (other->Read()) {
    }
    return other->reader->Finish();
  };
  v1::SubscribePaymentEventsRequest kiosk = everything;
  kiosk.set_shop("kiosk");
  grpc::Status denied = finish(kiosk, kWebToken);
  EXPECT_EQ(denied.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_THAT(Reasons(denied), testing::ElementsAre("SHOP_NOT_ALLOWED"));
  grpc::Status anonymous = finish(everything, nullptr);
  EXPECT_EQ(anonymous.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_THAT(Reasons(anonymous), testing::ElementsAre("NO_CREDENTIALS"));

  grpc::ClientContext list_context;
  list_context.AddMetadata("authorization", absl::StrCat("Bearer ", kWebToken));
  v1::ListPaymentEventsRequest list;
  v1::ListPaymentEventsResponse listed;
  ASSERT_TRUE(stub_->ListPaymentEvents(&list_context, list, &listed).ok());
  EXPECT_EQ(listed.events_size(), 6);
  for (const v1::PaymentEvent& e : listed.events()) EXPECT_EQ(e.shop(), "web");
}

TEST_F(EventHubTest, RejectsBadRequestsNamingTheField) {
  Start(EventHub::Options());
  Append("a");
  auto status_of = [&](const v1::SubscribePaymentEventsRequest& request) {
    auto sub = Subscribe(request);
    while (sub->Read()) {
    }
    return sub->reader->Finish();
  };
  v1::SubscribePaymentEventsRequest request;
  request.set_shop("nope");
  request.set_after_cursor("x1");
  request.add_statuses(static_cast<v1::PaymentStatus>(999));
  grpc::Status s = status_of(request);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(BadFields(s), (std::vector<std::string>{"statuses[0]", "shop", "after_cursor"}));

  v1::SubscribePaymentEventsRequest future;
  future.set_after_cursor("1000");
  s = status_of(future);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(BadFields(s), std::vector<std::string>{"after_cursor"});
}

TEST_F(EventHubTest, IdleStreamsGetHeartbeatsWithTheirPosition) {
  EventHub::Options options;
  options.heartbeat_interval = absl::Milliseconds(200);
  Start(options);
  Append("a");
  const int64_t last = Append("b");
  v1::SubscribePaymentEventsRequest request;
  request.add_payment_ids("a");
  request.set_start(v1::SUBSCRIPTION_START_BEGINNING);
  auto sub = SubscribeAndConfirm(request, 0);
  ASSERT_TRUE(sub->Read());
  ASSERT_TRUE(sub->message.has_event());
  const absl::Time start = absl::Now();
  ASSERT_TRUE(sub->Read());
  ASSERT_TRUE(sub->message.has_heartbeat());
  EXPECT_GE(absl::Now() - start, absl::Milliseconds(100));
  // The heartbeat's cursor passes the event of "b" that the filter skipped.
  EXPECT_EQ(sub->message.heartbeat().cursor(), absl::StrCat(last));
  ASSERT_TRUE(sub->Read());
  EXPECT_TRUE(sub->message.has_heartbeat());
}

// A heartbeat's sent_at is when it was sent, to the microsecond: a subscriber measures its lag
// with it (protobuf 3.21's TimeUtil::GetCurrentTime drops the fraction of a second).
TEST_F(EventHubTest, HeartbeatsCarryTheTimeTheyWereSent) {
  EventHub::Options options;
  options.heartbeat_interval = absl::Milliseconds(50);
  Start(options);
  auto sub = Subscribe(v1::SubscribePaymentEventsRequest());
  for (int i = 0; i < 3; ++i) {
    const absl::Time before = absl::Now() - absl::Microseconds(1);
    ASSERT_TRUE(sub->Read());
    const absl::Time after = absl::Now();
    ASSERT_TRUE(sub->message.has_heartbeat());
    const absl::Time sent =
        absl::FromUnixNanos(google::protobuf::util::TimeUtil::TimestampToNanoseconds(
            sub->message.heartbeat().sent_at()));
    // The start heartbeat is sent before the first Read; later ones within the heartbeat
    // interval before theirs.
    EXPECT_GE(sent, before - (i == 0 ? absl::Seconds(1) : absl::Milliseconds(100)))
        << absl::FormatTime(sent) << " " << absl::FormatTime(before);
    EXPECT_LE(sent, after) << absl::FormatTime(sent) << " " << absl::FormatTime(after);
    EXPECT_NE(sub->message.heartbeat().sent_at().nanos(), 0);
  }
}

}  // namespace
}  // namespace barion_gateway::server
