// Callbacks to events, end to end: sandbox -> callback listener -> store -> PaymentState ->
// event -> ListPaymentEvents and SubscribePaymentEvents.
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
using testing::ElementsAre;

class EventsTest : public testing::Test {
 protected:
  v1::StartPaymentResponse Start(v1::StartPaymentRequest request) {
    v1::StartPaymentResponse response;
    grpc::Status s = h_.stub().StartPayment(Deadline(10).get(), request, &response);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return response;
  }
  std::vector<v1::PaymentEvent> List(const std::string& payment_id, const std::string& after = "") {
    v1::ListPaymentEventsRequest r;
    if (!payment_id.empty()) r.add_payment_ids(payment_id);
    r.set_after_cursor(after);
    v1::ListPaymentEventsResponse response;
    grpc::Status s = h_.events().ListPaymentEvents(Deadline(5).get(), r, &response);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return {response.events().begin(), response.events().end()};
  }
  // Waits until the payment has `n` events (callbacks are asynchronous) and the callback inbox is
  // empty: every callback received so far has been processed, so an extra event it would wrongly
  // cause is already in the log (no "nothing arrived in N ms" guess).
  std::vector<v1::PaymentEvent> AwaitEvents(const std::string& payment_id, size_t n) {
    for (int i = 0; i < 500 && List(payment_id).size() < n; ++i) {
      absl::SleepFor(absl::Milliseconds(10));
    }
    AwaitInboxProcessed();
    return List(payment_id);
  }
  void AwaitInboxProcessed() {
    for (int i = 0; i < 500 && !h_.gateway().event_store()->PendingCallbacks(1)->empty(); ++i) {
      absl::SleepFor(absl::Milliseconds(10));
    }
    EXPECT_TRUE(h_.gateway().event_store()->PendingCallbacks(1)->empty());
  }
  std::vector<v1::PaymentStatus> Statuses(const std::vector<v1::PaymentEvent>& events) {
    std::vector<v1::PaymentStatus> out;
    for (const auto& e : events) out.push_back(e.snapshot().status());
    return out;
  }

  Harness h_;
};

TEST_F(EventsTest, BarionsCallbackBecomesASucceededEventWithTheFullSnapshot) {
  v1::StartPaymentResponse started = Start(Harness::CardPayment("1500", v1::CURRENCY_HUF));
  // The gateway filled in its own callback URL.
  // Its secret segment reaches Barion (the callback below arrives) but never the caller.
  EXPECT_THAT(started.callback_url(),
              testing::StartsWith("http://" + h_.gateway().callback_address() +
                                  "/callback/demo/REDACTED?paymentId="));
  ASSERT_EQ(h_.Control(absl::StrCat("payments/", started.payment_id(), "/pay"), "{}"), 200);

  std::vector<v1::PaymentEvent> events = AwaitEvents(started.payment_id(), 1);
  ASSERT_EQ(events.size(), 1u);
  const v1::PaymentEvent& e = events[0];
  EXPECT_EQ(e.shop(), "demo");
  EXPECT_EQ(e.payment_id(), started.payment_id());
  EXPECT_EQ(e.source(), v1::EVENT_SOURCE_CALLBACK);
  EXPECT_EQ(e.previous_status(), v1::PAYMENT_STATUS_UNSPECIFIED);
  EXPECT_EQ(e.snapshot().status(), v1::PAYMENT_STATUS_SUCCEEDED);
  EXPECT_EQ(e.snapshot().total(), "1500");
  EXPECT_EQ(e.snapshot().funding_information().bank_card().masked_pan(), "5559");
  EXPECT_FALSE(e.cursor().empty());
  EXPECT_THAT(e.snapshot().callback_url(), testing::HasSubstr("/callback/demo/REDACTED?"));
  EXPECT_THAT(e.snapshot().callback_url(),
              testing::Not(testing::HasSubstr(Harness::CallbackPath())));
  // The sandbox saw its callback answered 200 by the gateway.
  EXPECT_THAT(h_.ControlGet("callbacks?paymentId=" + started.payment_id()),
              testing::HasSubstr("\"attempt\":0,\"http_status\":200"));
}

// A subscriber holding a stream learns of the payment as it happens, with the full snapshot;
// callbacks that arrive late or out of order (Barion retries, reorders, and a stale callback
// for an earlier state) produce no event, because the state always comes from Barion.
TEST_F(EventsTest, SubscriberGetsLiveEventsAndOutOfOrderCallbacksAddNothing) {
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(30)));
  v1::SubscribePaymentEventsRequest subscribe;
  subscribe.set_shop("demo");
  auto stream = h_.events().SubscribePaymentEvents(&context, subscribe);
  v1::SubscribePaymentEventsResponse message;
  ASSERT_TRUE(stream->Read(&message));
  ASSERT_TRUE(message.has_heartbeat());  // subscribed
  auto next_event = [&]() -> v1::PaymentEvent {
    while (stream->Read(&message)) {
      if (message.has_event()) return message.event();
    }
    ADD_FAILURE() << "stream ended";
    return {};
  };

  v1::StartPaymentRequest r = Harness::CardPayment("5000", v1::CURRENCY_HUF);
  r.set_payment_type(v1::PAYMENT_TYPE_RESERVATION);
  r.mutable_reservation_period()->set_seconds(3600);
  v1::StartPaymentResponse a = Start(r);
  v1::StartPaymentResponse b = Start(Harness::CardPayment("800", v1::CURRENCY_HUF));
  // B is paid before A.
  ASSERT_EQ(h_.Control(absl::StrCat("payments/", b.payment_id(), "/pay"), "{}"), 200);
  v1::PaymentEvent first = next_event();
  EXPECT_EQ(first.payment_id(), b.payment_id());
  EXPECT_EQ(first.snapshot().status(), v1::PAYMENT_STATUS_SUCCEEDED);
  EXPECT_EQ(first.snapshot().total(), "800");
  EXPECT_EQ(first.snapshot().transactions(0).items(0).name(), "Widget");
  ASSERT_EQ(h_.Control(absl::StrCat("payments/", a.payment_id(), "/pay"), "{}"), 200);
  v1::PaymentEvent second = next_event();
  EXPECT_EQ(second.payment_id(), a.payment_id());
  EXPECT_EQ(second.snapshot().status(), v1::PAYMENT_STATUS_RESERVED);

  v1::FinishReservationRequest finish;
  finish.set_payment_id(a.payment_id());
  auto* t = finish.add_transactions();
  t->set_transaction_id(a.transactions(0).transaction_id());
  t->set_total("5000");
  v1::FinishReservationResponse finished;
  ASSERT_TRUE(h_.stub().FinishReservation(Deadline(10).get(), finish, &finished).ok());
  v1::PaymentEvent third = next_event();
  EXPECT_EQ(third.snapshot().status(), v1::PAYMENT_STATUS_SUCCEEDED);
  EXPECT_EQ(third.previous_status(), v1::PAYMENT_STATUS_RESERVED);

  // Stale and repeated callbacks for both payments, B's after A's: nothing changed at Barion.
  httplib::Client barion("http://" + h_.gateway().callback_address());
  for (const std::string& id : {a.payment_id(), b.payment_id(), a.payment_id()}) {
    auto res =
        barion.Post((Harness::CallbackPath() + "?paymentId=" + id).c_str(), "", "text/plain");
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 200);
  }
  // Then one real change: the refund of B is the very next event on the stream.
  v1::RefundRequest refund;
  refund.set_payment_id(b.payment_id());
  auto* rt = refund.add_transactions_to_refund();
  rt->set_transaction_id(b.transactions(0).transaction_id());
  rt->set_pos_transaction_id("R1");
  rt->set_amount_to_refund("100");
  v1::RefundResponse refunded;
  ASSERT_TRUE(h_.stub().Refund(Deadline(10).get(), refund, &refunded).ok());
  v1::PaymentEvent fourth = next_event();
  EXPECT_EQ(fourth.payment_id(), b.payment_id());
  EXPECT_GT(fourth.snapshot().transactions_size(), first.snapshot().transactions_size());
  // Every callback above has been processed: a wrong extra event would be in the log by now.
  AwaitInboxProcessed();
  EXPECT_EQ(List("").size(), 4u);
  context.TryCancel();
}

TEST_F(EventsTest, ReservationFinishAndRefundEachMakeExactlyOneEvent) {
  v1::StartPaymentRequest r = Harness::CardPayment("5000", v1::CURRENCY_HUF);
  r.set_payment_type(v1::PAYMENT_TYPE_RESERVATION);
  r.mutable_reservation_period()->set_seconds(3600);
  v1::StartPaymentResponse started = Start(r);
  ASSERT_EQ(h_.Control(absl::StrCat("payments/", started.payment_id(), "/pay"), "{}"), 200);
  ASSERT_EQ(AwaitEvents(started.payment_id(), 1).size(), 1u);

  // Finished through the gateway: the RPC and Barion's callback both report it; one event.
  v1::FinishReservationRequest finish;
  finish.set_payment_id(started.payment_id());
  auto* t = finish.add_transactions();
  t->set_transaction_id(started.transactions(0).transaction_id());
  t->set_total("4000");
  v1::FinishReservationResponse finished;
  ASSERT_TRUE(h_.stub().FinishReservation(Deadline(10).get(), finish, &finished).ok());
  std::vector<v1::PaymentEvent> events = AwaitEvents(started.payment_id(), 2);
  EXPECT_THAT(Statuses(events),
              ElementsAre(v1::PAYMENT_STATUS_RESERVED, v1::PAYMENT_STATUS_SUCCEEDED));
  EXPECT_EQ(events[1].previous_status(), v1::PAYMENT_STATUS_RESERVED);
  EXPECT_EQ(events[1].snapshot().total(), "4000");

  // A refund leaves the status as it is but changes the transactions: one more event.
  v1::RefundRequest refund;
  refund.set_payment_id(started.payment_id());
  auto* rt = refund.add_transactions_to_refund();
  rt->set_transaction_id(started.transactions(0).transaction_id());
  rt->set_pos_transaction_id("R1");
  rt->set_amount_to_refund("1000");
  v1::RefundResponse refunded;
  ASSERT_TRUE(h_.stub().Refund(Deadline(10).get(), refund, &refunded).ok());
  events = AwaitEvents(started.payment_id(), 3);
  EXPECT_THAT(Statuses(events),
              ElementsAre(v1::PAYMENT_STATUS_RESERVED, v1::PAYMENT_STATUS_SUCCEEDED,
                          v1::PAYMENT_STATUS_SUCCEEDED));
  EXPECT_GT(events[2].snapshot().transactions_size(), events[1].snapshot().transactions_size());
}

TEST_F(EventsTest, DuplicateCallbacksMakeNoDuplicateEvents) {
  v1::StartPaymentResponse started = Start(Harness::CardPayment("700", v1::CURRENCY_HUF));
  ASSERT_EQ(h_.Control(absl::StrCat("payments/", started.payment_id(), "/pay"), "{}"), 200);
  ASSERT_EQ(AwaitEvents(started.payment_id(), 1).size(), 1u);
  httplib::Client barion("http://" + h_.gateway().callback_address());
  for (int i = 0; i < 3; ++i) {
    auto res =
        barion.Post((Harness::CallbackPath() + "?paymentId=" + started.payment_id()).c_str(),
                    "paymentId=" + started.payment_id(), "application/x-www-form-urlencoded");
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 200);
  }
  EXPECT_EQ(AwaitEvents(started.payment_id(), 2).size(), 1u);
}

TEST_F(EventsTest, ListingPagesByCursorAndRejectsForeignCursors) {
  std::vector<std::string> ids;
  for (int i = 0; i < 3; ++i) {
    v1::StartPaymentResponse s =
        Start(Harness::CardPayment(absl::StrCat(100 + i), v1::CURRENCY_HUF));
    ASSERT_EQ(h_.Control(absl::StrCat("payments/", s.payment_id(), "/pay"), "{}"), 200);
    ids.push_back(s.payment_id());
    ASSERT_EQ(AwaitEvents(s.payment_id(), 1).size(), 1u);
  }
  v1::ListPaymentEventsRequest r;
  r.set_page_size(2);
  v1::ListPaymentEventsResponse page1, page2, page3;
  ASSERT_TRUE(h_.events().ListPaymentEvents(Deadline(5).get(), r, &page1).ok());
  ASSERT_EQ(page1.events_size(), 2);
  r.set_after_cursor(page1.next_cursor());
  ASSERT_TRUE(h_.events().ListPaymentEvents(Deadline(5).get(), r, &page2).ok());
  ASSERT_EQ(page2.events_size(), 1);
  EXPECT_EQ(page2.events(0).payment_id(), ids[2]);
  r.set_after_cursor(page2.next_cursor());
  ASSERT_TRUE(h_.events().ListPaymentEvents(Deadline(5).get(), r, &page3).ok());
  EXPECT_EQ(page3.events_size(), 0);
  EXPECT_EQ(page3.next_cursor(), page2.next_cursor());

  r.set_after_cursor("tampered");
  r.set_page_size(5000);
  grpc::Status s = h_.events().ListPaymentEvents(Deadline(5).get(), r, &page3);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(BadFields(s), ElementsAre("after_cursor", "page_size"));
}

// A filter is bounded, so that no caller can make the store do unbounded work per read.
TEST_F(EventsTest, FiltersAreBounded) {
  v1::ListPaymentEventsRequest list;
  for (int i = 0; i < 101; ++i) list.add_payment_ids(absl::StrCat("payment-", i));
  v1::ListPaymentEventsResponse listed;
  grpc::Status s = h_.events().ListPaymentEvents(Deadline(10).get(), list, &listed);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(BadFields(s), std::vector<std::string>{"payment_ids"});
  list.mutable_payment_ids()->RemoveLast();  // 100: allowed
  s = h_.events().ListPaymentEvents(Deadline(10).get(), list, &listed);
  EXPECT_TRUE(s.ok()) << s.error_message();

  v1::SubscribePaymentEventsRequest subscribe;
  for (int i = 0; i < 17; ++i) subscribe.add_statuses(v1::PAYMENT_STATUS_SUCCEEDED);
  auto context = Deadline(10);
  auto stream = h_.events().SubscribePaymentEvents(context.get(), subscribe);
  v1::SubscribePaymentEventsResponse message;
  EXPECT_FALSE(stream->Read(&message));
  s = stream->Finish();
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(BadFields(s), std::vector<std::string>{"statuses"});
}

TEST(LostCallbackTest, TheReconcilerStillDeliversTheChange) {
  HarnessOptions options;
  options.reconcile_first_check = absl::Milliseconds(200);
  Harness h(options);
  v1::StartPaymentRequest r = Harness::CardPayment("2500", v1::CURRENCY_HUF);
  r.set_callback_url("http://127.0.0.1:9/lost");  // Barion's callbacks never arrive
  v1::StartPaymentResponse started;
  ASSERT_TRUE(h.stub().StartPayment(Deadline(10).get(), r, &started).ok());
  ASSERT_EQ(h.Control(absl::StrCat("payments/", started.payment_id(), "/pay"), "{}"), 200);

  v1::ListPaymentEventsRequest list;
  list.add_payment_ids(started.payment_id());
  v1::ListPaymentEventsResponse response;
  for (int i = 0; i < 300; ++i) {
    response.Clear();
    ASSERT_TRUE(h.events().ListPaymentEvents(Deadline(5).get(), list, &response).ok());
    if (response.events_size() > 0) break;
    absl::SleepFor(absl::Milliseconds(20));
  }
  ASSERT_EQ(response.events_size(), 1);
  EXPECT_EQ(response.events(0).source(), v1::EVENT_SOURCE_RECONCILIATION);
  EXPECT_EQ(response.events(0).snapshot().status(), v1::PAYMENT_STATUS_SUCCEEDED);
  // The callback really was lost: the sandbox never got a 200.
  EXPECT_THAT(h.ControlGet("callbacks?paymentId=" + started.payment_id()),
              testing::Not(testing::HasSubstr("\"http_status\":200")));
}

}  // namespace
}  // namespace barion_gateway::testing_support
