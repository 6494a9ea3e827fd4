#include "tests/server/events/event_store_conformance.h"

#include <sys/stat.h>

#include <algorithm>
#include <atomic>
#include <set>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "server/events/start_ledger.h"

namespace barion_gateway::server {
namespace {

namespace v1 = ::barion::v1;

v1::PaymentEvent Event(const std::string& shop, const std::string& payment_id,
                       v1::PaymentStatus status, const std::string& total = "1000") {
  v1::PaymentEvent e;
  e.set_shop(shop);
  e.set_payment_id(payment_id);
  e.set_source(v1::EVENT_SOURCE_CALLBACK);
  v1::GetPaymentStateResponse* s = e.mutable_snapshot();
  s->set_payment_id(payment_id);
  s->set_status(status);
  s->set_status_raw(v1::PaymentStatus_Name(status));
  s->set_total(total);
  return e;
}

}  // namespace

void EventStoreConformanceTest::SetUp() {
  static std::atomic<int> n{0};
  dir_ = absl::StrCat(testing::TempDir(), "/store-", GetParam().name, "-", n++);
  ::mkdir(dir_.c_str(), 0700);
  store_ = GetParam().open(dir_);
  ASSERT_NE(store_, nullptr);
}

std::unique_ptr<EventStore> EventStoreConformanceTest::Reopen() {
  store_.reset();
  return GetParam().open(dir_);
}

TEST_P(CallbackInboxConformanceTest, RecordedCallbacksArePendingUntilCompletedAndSurviveReopen) {
  const absl::Time t = absl::FromUnixSeconds(1700000000);
  auto a = store_->RecordCallback("web", "p1", t);
  auto b = store_->RecordCallback("web", "p2", t + absl::Seconds(1), v1::EVENT_SOURCE_RPC);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_LT(*a, *b);
  store_ = Reopen();
  auto pending = store_->PendingCallbacks(10);
  ASSERT_TRUE(pending.ok());
  ASSERT_EQ(pending->size(), 2u);
  EXPECT_EQ((*pending)[0].payment_id, "p1");
  EXPECT_EQ((*pending)[0].shop, "web");
  EXPECT_EQ((*pending)[0].received_at, t);
  EXPECT_EQ((*pending)[0].source, v1::EVENT_SOURCE_CALLBACK);
  EXPECT_EQ((*pending)[1].source, v1::EVENT_SOURCE_RPC);
  // All or none: an unknown id marks nothing.
  EXPECT_EQ(store_->CompleteCallbacks({*a, 424242}).code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(store_->PendingCallbacks(10)->size(), 2u);
  ASSERT_TRUE(store_->CompleteCallbacks({*a}).ok());
  EXPECT_TRUE(store_->CompleteCallbacks({*a}).ok()) << "completing twice is fine";
  EXPECT_TRUE(store_->CompleteCallbacks({}).ok());
  pending = store_->PendingCallbacks(10);
  ASSERT_EQ(pending->size(), 1u);
  EXPECT_EQ((*pending)[0].id, *b);
}

TEST_P(CallbackInboxConformanceTest, BacklogCountsPendingReceiptsAndWatchedPayments) {
  auto empty = store_->Backlog();
  ASSERT_TRUE(empty.ok()) << empty.status();
  EXPECT_EQ(empty->inbox, 0);
  EXPECT_EQ(empty->oldest_receipt, absl::InfiniteFuture());
  EXPECT_EQ(empty->watched, 0);
  EXPECT_EQ(empty->earliest_check, absl::InfiniteFuture());
  const absl::Time t = absl::FromUnixSeconds(1700000000);
  auto first = store_->RecordCallback("web", "p1", t);
  ASSERT_TRUE(first.ok());
  ASSERT_TRUE(store_->RecordCallback("web", "p2", t + absl::Seconds(5)).ok());
  ASSERT_TRUE(store_->RecordCallback("web", "p3", t + absl::Seconds(9)).ok());
  ASSERT_TRUE(store_->CompleteCallbacks({*first}).ok());
  ASSERT_TRUE(store_->WatchPayment("web", "p1", t + absl::Minutes(2), absl::Minutes(1)).ok());
  ASSERT_TRUE(store_->WatchPayment("web", "p2", t + absl::Minutes(1), absl::Minutes(1)).ok());
  auto backlog = store_->Backlog();
  ASSERT_TRUE(backlog.ok()) << backlog.status();
  EXPECT_EQ(backlog->inbox, 2);  // the completed one is not waiting
  EXPECT_EQ(backlog->oldest_receipt, t + absl::Seconds(5));
  EXPECT_EQ(backlog->watched, 2);
  EXPECT_EQ(backlog->earliest_check, t + absl::Minutes(1));
}

TEST_P(CallbackInboxConformanceTest, PrunesOnlyProcessedCallbacksBeforeTheCutoff) {
  const absl::Time t = absl::FromUnixSeconds(1700000000);
  auto a = store_->RecordCallback("web", "p1", t);
  auto b = store_->RecordCallback("web", "p2", t);
  auto c = store_->RecordCallback("web", "p3", t + absl::Hours(2));
  ASSERT_TRUE(a.ok() && b.ok() && c.ok());
  ASSERT_TRUE(store_->CompleteCallbacks({*a, *c}).ok());
  auto pruned = store_->PruneCallbacks(t + absl::Hours(1));
  ASSERT_TRUE(pruned.ok());
  EXPECT_EQ(*pruned, 1);
  auto pending = store_->PendingCallbacks(10);
  ASSERT_EQ(pending->size(), 1u);
  EXPECT_EQ((*pending)[0].id, *b);
}

TEST_P(CallbackInboxConformanceTest, KnowsPaymentsWithEventsOrAWatch) {
  EXPECT_FALSE(*store_->KnowsPayment("web", "p1"));
  ASSERT_TRUE(store_->AppendIfChanged(Event("web", "p1", v1::PAYMENT_STATUS_PREPARED)).ok());
  ASSERT_TRUE(store_->WatchPayment("web", "p2", absl::Now(), absl::Minutes(1)).ok());
  EXPECT_TRUE(*store_->KnowsPayment("web", "p1"));
  EXPECT_TRUE(*store_->KnowsPayment("web", "p2"));
  EXPECT_FALSE(*store_->KnowsPayment("other", "p1")) << "per shop";
}

// Many listener threads record at once (the SQLite store commits them in groups): every
// receipt gets its own id, is pending once, and survives a reopen.
TEST_P(CallbackInboxConformanceTest, ConcurrentRecordsAreEachDurableOnce) {
  constexpr int kThreads = 16, kEach = 40;
  std::vector<std::thread> threads;
  std::vector<std::vector<int64_t>> ids(kThreads);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        auto id = store_->RecordCallback("web", absl::StrCat("p", t, "-", i), absl::Now());
        ASSERT_TRUE(id.ok()) << id.status();
        ids[t].push_back(*id);
      }
    });
  }
  for (auto& t : threads) t.join();
  std::set<int64_t> unique;
  for (const auto& v : ids) unique.insert(v.begin(), v.end());
  EXPECT_EQ(unique.size(), static_cast<size_t>(kThreads * kEach));
  store_ = Reopen();
  auto pending = store_->PendingCallbacks(kThreads * kEach + 10);
  ASSERT_TRUE(pending.ok());
  ASSERT_EQ(pending->size(), static_cast<size_t>(kThreads * kEach));
  std::set<std::string> payments;
  for (const PendingCallback& p : *pending) {
    EXPECT_EQ(unique.count(p.id), 1u);
    payments.insert(p.payment_id);
  }
  EXPECT_EQ(payments.size(), static_cast<size_t>(kThreads * kEach));
  // Each thread's receipts are in its call order.
  for (const auto& v : ids) EXPECT_TRUE(std::is_sorted(v.begin(), v.end()));
}

TEST_P(EventLogConformanceTest, AppendsOnlyWhenTheSnapshotChanged) {
  auto first = store_->AppendIfChanged(Event("web", "p1", v1::PAYMENT_STATUS_PREPARED));
  ASSERT_TRUE(first.ok());
  ASSERT_TRUE(first->has_value());
  EXPECT_EQ((*first)->previous_status(), v1::PAYMENT_STATUS_UNSPECIFIED);
  // A duplicate callback: same state, no event.
  auto duplicate = store_->AppendIfChanged(Event("web", "p1", v1::PAYMENT_STATUS_PREPARED));
  ASSERT_TRUE(duplicate.ok());
  EXPECT_FALSE(duplicate->has_value());
  auto paid = store_->AppendIfChanged(Event("web", "p1", v1::PAYMENT_STATUS_SUCCEEDED));
  ASSERT_TRUE(paid->has_value());
  EXPECT_EQ((*paid)->previous_status(), v1::PAYMENT_STATUS_PREPARED);
  EXPECT_EQ((*paid)->previous_status_raw(), "PAYMENT_STATUS_PREPARED");
  // A refund: same status, different state. It is a change.
  auto refunded = store_->AppendIfChanged(Event("web", "p1", v1::PAYMENT_STATUS_SUCCEEDED, "700"));
  ASSERT_TRUE(refunded->has_value());
  EXPECT_EQ((*refunded)->previous_status(), v1::PAYMENT_STATUS_SUCCEEDED);
  // The same payment id in another shop is another payment.
  EXPECT_TRUE(
      store_->AppendIfChanged(Event("app", "p1", v1::PAYMENT_STATUS_PREPARED))->has_value());
}

TEST_P(EventLogConformanceTest, CursorsIncreaseAndReadingResumesAfterOne) {
  std::vector<std::string> cursors;
  for (int i = 0; i < 5; ++i) {
    auto e =
        store_->AppendIfChanged(Event("web", absl::StrCat("p", i), v1::PAYMENT_STATUS_PREPARED));
    ASSERT_TRUE(e.ok() && e->has_value());
    cursors.push_back((*e)->cursor());
  }
  EXPECT_EQ(store_->LastCursor()->ToText(), cursors.back());
  auto all = store_->ReadAfter(EventCursor(), {}, 100);
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 5u);
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ((*all)[i].cursor(), cursors[i]);
    EXPECT_EQ((*all)[i].payment_id(), absl::StrCat("p", i));
    EXPECT_EQ((*all)[i].snapshot().status(), v1::PAYMENT_STATUS_PREPARED);
  }
  auto rest = store_->ReadAfter(Cursor(cursors[2]), {}, 100);
  ASSERT_EQ(rest->size(), 2u);
  EXPECT_EQ((*rest)[0].cursor(), cursors[3]);
  auto page = store_->ReadAfter(EventCursor(), {}, 2);
  ASSERT_EQ(page->size(), 2u);
  EXPECT_EQ((*page)[1].cursor(), cursors[1]);
  EXPECT_TRUE(store_->ReadAfter(Cursor(cursors.back()), {}, 10)->empty());
  EXPECT_EQ(EventCursor::FromText("not-a-cursor").status().code(),
            absl::StatusCode::kInvalidArgument);
  for (const std::string& c : cursors) {
    EXPECT_TRUE(store_->Owns(Cursor(c)));
    EXPECT_EQ(Cursor(c).ToText(), c) << "a cursor's text survives decoding";
  }
  EXPECT_TRUE(store_->Owns(EventCursor()));
}

TEST_P(EventLogConformanceTest, EmptyLogStartsAtZero) {
  EXPECT_EQ(store_->LastCursor()->ToText(), "0");
  EXPECT_TRUE(store_->LastCursor()->is_beginning());
  EXPECT_TRUE(store_->ReadAfter(EventCursor(), {}, 10)->empty());
}

TEST_P(EventLogConformanceTest, FiltersByShopPaymentAndStatus) {
  ASSERT_TRUE(store_->AppendIfChanged(Event("web", "a", v1::PAYMENT_STATUS_PREPARED)).ok());
  ASSERT_TRUE(store_->AppendIfChanged(Event("web", "a", v1::PAYMENT_STATUS_SUCCEEDED)).ok());
  ASSERT_TRUE(store_->AppendIfChanged(Event("web", "b", v1::PAYMENT_STATUS_EXPIRED)).ok());
  ASSERT_TRUE(store_->AppendIfChanged(Event("app", "c", v1::PAYMENT_STATUS_SUCCEEDED)).ok());
  auto ids = [](const std::vector<v1::PaymentEvent>& events) {
    std::vector<std::string> out;
    for (const auto& e : events) out.push_back(e.shop() + "/" + e.payment_id());
    return out;
  };
  EventFilter by_shop;
  by_shop.shops = {"web"};
  EXPECT_THAT(ids(*store_->ReadAfter(EventCursor(), by_shop, 10)),
              testing::ElementsAre("web/a", "web/a", "web/b"));
  EventFilter by_payment;
  by_payment.payment_ids = {"b", "c"};
  EXPECT_THAT(ids(*store_->ReadAfter(EventCursor(), by_payment, 10)),
              testing::ElementsAre("web/b", "app/c"));
  EventFilter by_status;
  by_status.statuses = {v1::PAYMENT_STATUS_SUCCEEDED};
  by_status.shops = {"web"};
  EXPECT_THAT(ids(*store_->ReadAfter(EventCursor(), by_status, 10)), testing::ElementsAre("web/a"));
  EventFilter by_shops;  // any of several shops: what a caller allowed a few shops sees
  by_shops.shops = {"app", "other"};
  EXPECT_THAT(ids(*store_->ReadAfter(EventCursor(), by_shops, 10)), testing::ElementsAre("app/c"));
  by_shops.shops = {"app", "web"};
  EXPECT_EQ(store_->ReadAfter(EventCursor(), by_shops, 10)->size(), 4u);
}

TEST_P(EventLogConformanceTest, TheNewestCursorOfSomeShopsAtOrBeforeAPosition) {
  auto web_a = store_->AppendIfChanged(Event("web", "a", v1::PAYMENT_STATUS_PREPARED));
  auto app_b = store_->AppendIfChanged(Event("app", "b", v1::PAYMENT_STATUS_PREPARED));
  auto web_c = store_->AppendIfChanged(Event("web", "c", v1::PAYMENT_STATUS_PREPARED));
  auto app_d = store_->AppendIfChanged(Event("app", "d", v1::PAYMENT_STATUS_PREPARED));
  ASSERT_TRUE(web_a.ok() && app_b.ok() && web_c.ok() && app_d.ok());
  auto cursor = [](const absl::StatusOr<std::optional<v1::PaymentEvent>>& e) {
    return *EventCursor::FromText((*e)->cursor());
  };
  absl::StatusOr<EventCursor> head = store_->LastCursor();
  ASSERT_TRUE(head.ok());
  auto last_of = [&](std::vector<std::string> shops, const EventCursor& at_most) {
    absl::StatusOr<EventCursor> c = store_->LastCursorOf(shops, at_most);
    EXPECT_TRUE(c.ok()) << c.status();
    return c.ok() ? c->ToText() : "";
  };
  EXPECT_EQ(last_of({"web"}, *head), cursor(web_c).ToText());
  EXPECT_EQ(last_of({"app"}, *head), cursor(app_d).ToText());
  EXPECT_EQ(last_of({"web"}, cursor(app_b)), cursor(web_a).ToText());
  EXPECT_EQ(last_of({"web", "app"}, cursor(web_c)), cursor(web_c).ToText());
  EXPECT_EQ(last_of({"app"}, cursor(web_a)), "0");  // none at or before it
  EXPECT_EQ(last_of({"shop"}, *head), "0");         // none at all
  EXPECT_EQ(last_of({"web"}, EventCursor()), "0");
}

TEST_P(EventLogConformanceTest, EventsSurviveReopenWithTheirCursors) {
  v1::PaymentEvent in = Event("web", "p1", v1::PAYMENT_STATUS_SUCCEEDED);
  in.mutable_observed_at()->set_seconds(1700000000);
  auto appended = store_->AppendIfChanged(in);
  ASSERT_TRUE(appended.ok() && appended->has_value());
  store_ = Reopen();
  auto read = store_->ReadAfter(EventCursor(), {}, 10);
  ASSERT_EQ(read->size(), 1u);
  EXPECT_EQ((*read)[0].cursor(), (*appended)->cursor());
  EXPECT_EQ((*read)[0].observed_at().seconds(), 1700000000);
  EXPECT_EQ((*read)[0].source(), v1::EVENT_SOURCE_CALLBACK);
  // The last snapshot survives too: the same state after a restart is no new event.
  EXPECT_FALSE(store_->AppendIfChanged(in)->has_value());
}

TEST_P(EventLogConformanceTest, RejectsIncompleteEvents) {
  v1::PaymentEvent e = Event("web", "p1", v1::PAYMENT_STATUS_PREPARED);
  e.clear_snapshot();
  EXPECT_EQ(store_->AppendIfChanged(e).status().code(), absl::StatusCode::kInvalidArgument);
  e = Event("", "p1", v1::PAYMENT_STATUS_PREPARED);
  EXPECT_EQ(store_->AppendIfChanged(e).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_P(EventLogConformanceTest, ConcurrentAppendsGetUniqueCursorsAndNoDuplicateStates) {
  // Four writers race to record the same two states of one payment, plus their own payments.
  std::vector<std::thread> writers;
  std::atomic<int> appended{0};
  for (int w = 0; w < 4; ++w) {
    writers.emplace_back([&, w] {
      for (v1::PaymentStatus s : {v1::PAYMENT_STATUS_PREPARED, v1::PAYMENT_STATUS_SUCCEEDED}) {
        auto r = store_->AppendIfChanged(Event("web", "shared", s));
        if (r.ok() && r->has_value()) ++appended;
      }
      for (int i = 0; i < 10; ++i) {
        auto r = store_->AppendIfChanged(
            Event("web", absl::StrCat("own-", w, "-", i), v1::PAYMENT_STATUS_PREPARED));
        if (r.ok() && r->has_value()) ++appended;
      }
    });
  }
  for (auto& t : writers) t.join();
  auto all = store_->ReadAfter(EventCursor(), {}, 1000);
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(static_cast<int>(all->size()), appended.load());
  std::set<std::string> cursors;
  int shared = 0;
  for (const auto& e : *all) {
    cursors.insert(e.cursor());
    shared += e.payment_id() == "shared";
  }
  EXPECT_EQ(cursors.size(), all->size());
  // Whatever the interleaving, consecutive events of one payment never repeat a state.
  EXPECT_GE(shared, 1);
  EXPECT_LE(shared, 8);
  v1::PaymentStatus last = v1::PAYMENT_STATUS_UNSPECIFIED;
  for (const auto& e : *all) {
    if (e.payment_id() != "shared") continue;
    EXPECT_NE(e.snapshot().status(), last);
    EXPECT_EQ(e.previous_status(), last);
    last = e.snapshot().status();
  }
}

TEST_P(ReconcileScheduleConformanceTest, WatchesPaymentsOnADurableSchedule) {
  const absl::Time t0 = absl::FromUnixSeconds(1700000000);
  ASSERT_TRUE(store_->WatchPayment("web", "a", t0 + absl::Seconds(10), absl::Seconds(10)).ok());
  ASSERT_TRUE(store_->WatchPayment("web", "b", t0 + absl::Seconds(5), absl::Seconds(5)).ok());
  // Watching again keeps the existing schedule.
  ASSERT_TRUE(store_->WatchPayment("web", "a", t0 + absl::Hours(1), absl::Hours(1)).ok());
  EXPECT_TRUE(store_->DueWatchedPayments(t0, 10)->empty());
  auto due = store_->DueWatchedPayments(t0 + absl::Seconds(10), 10);
  ASSERT_TRUE(due.ok());
  ASSERT_EQ(due->size(), 2u);
  EXPECT_EQ((*due)[0].payment_id, "b") << "earliest first";
  EXPECT_EQ((*due)[1].next_check, t0 + absl::Seconds(10));
  EXPECT_EQ((*due)[1].interval, absl::Seconds(10));
  ASSERT_TRUE(store_->RescheduleWatch("web", "b", t0 + absl::Seconds(60), absl::Seconds(20)).ok());
  EXPECT_EQ(store_->RescheduleWatch("web", "zzz", t0, absl::Seconds(1)).code(),
            absl::StatusCode::kNotFound);
  ASSERT_TRUE(store_->UnwatchPayment("web", "a").ok());
  EXPECT_TRUE(store_->UnwatchPayment("web", "never-watched").ok());
  store_ = Reopen();
  due = store_->DueWatchedPayments(t0 + absl::Hours(2), 10);
  ASSERT_EQ(due->size(), 1u);
  EXPECT_EQ((*due)[0].payment_id, "b");
  EXPECT_EQ((*due)[0].next_check, t0 + absl::Seconds(60));
  EXPECT_EQ((*due)[0].interval, absl::Seconds(20));
}

TEST_P(StartLedgerConformanceTest, ClaimsCompletesReleasesAndRemembersAcrossReopen) {
  using Claim = StartLedger::Claim;
  auto ledger = [this] { return dynamic_cast<StartLedger*>(store_.get()); };
  ASSERT_NE(ledger(), nullptr) << "the store is a StartLedger";
  EXPECT_EQ(ledger()->ClaimStart("web", "r1", "req-A")->claim, Claim::kNew);
  EXPECT_EQ(ledger()->ClaimStart("web", "r1", "req-A")->claim, Claim::kPending);
  EXPECT_EQ(ledger()->ClaimStart("web", "r1", "req-B")->claim, Claim::kConflict);
  EXPECT_EQ(ledger()->ClaimStart("kiosk", "r1", "req-B")->claim, Claim::kNew) << "per shop";
  // Released (nothing happened at Barion): the key is free again.
  ASSERT_TRUE(ledger()->ReleaseStart("kiosk", "r1").ok());
  EXPECT_EQ(ledger()->ClaimStart("kiosk", "r1", "req-C")->claim, Claim::kNew);
  // Completed: the answer is kept (any bytes), and a release no longer frees the key.
  const std::string answer("answer-A\0\xff", 10);
  ASSERT_TRUE(ledger()->CompleteStart("web", "r1", answer).ok());
  ASSERT_TRUE(ledger()->ReleaseStart("web", "r1").ok());
  store_ = Reopen();
  absl::StatusOr<StartLedger::ClaimResult> again = ledger()->ClaimStart("web", "r1", "req-A");
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->claim, Claim::kDone);
  EXPECT_EQ(again->response, answer);
  EXPECT_EQ(ledger()->ClaimStart("kiosk", "r1", "req-C")->claim, Claim::kPending);
}

// Concurrent first claims of one key: exactly one caller may call Barion.
TEST_P(StartLedgerConformanceTest, ConcurrentClaimsOfOneKeyHaveOneWinner) {
  auto* ledger = dynamic_cast<StartLedger*>(store_.get());
  ASSERT_NE(ledger, nullptr);
  std::atomic<int> fresh{0}, pending{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      auto claim = ledger->ClaimStart("web", "same", "request");
      ASSERT_TRUE(claim.ok()) << claim.status();
      if (claim->claim == StartLedger::Claim::kNew) ++fresh;
      if (claim->claim == StartLedger::Claim::kPending) ++pending;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(fresh.load(), 1);
  EXPECT_EQ(pending.load(), 7);
}

}  // namespace barion_gateway::server
