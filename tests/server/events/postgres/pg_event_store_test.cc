// PgEventStore against a real PostgreSQL 15: every store conformance suite, and what sharing one
// database between replicas adds: claims that exclude other replicas until their lease ends,
// appends of every replica followed by every replica's observer in one order, a database outage
// survived without losing what was acknowledged.
#include "server/events/postgres/pg_event_store.h"

#include <atomic>
#include <map>
#include <set>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "tests/server/events/event_store_conformance.h"
#include "tests/support/postgres_server.h"

namespace barion_gateway::server::postgres {
namespace {

namespace v1 = ::barion::v1;
using testing_support::PostgresServer;

// One server for the whole binary; every test (every conformance store folder) its own database.
PostgresServer& Server() { return testing_support::SharedPostgresServer(); }

std::string NewDatabase() {
  static std::atomic<int> n{0};
  const std::string name = absl::StrCat("store_", n++);
  absl::Status s = Server().CreateDatabase(name);
  EXPECT_TRUE(s.ok()) << s;
  return name;
}

PgEventStore::Options StoreOptions(const std::string& database, const std::string& owner) {
  PgEventStore::Options options;
  options.pool.settings = {Server().dsn(database), ""};
  options.pool.size = 4;
  options.owner = owner;
  options.follow_poll = absl::Milliseconds(200);
  return options;
}

// The conformance factory: a database per store folder, the same one when reopened.
std::unique_ptr<EventStore> OpenPostgres(const std::string& dir) {
  static absl::Mutex mu;
  static auto* databases = new std::map<std::string, std::string>;
  std::string database;
  {
    absl::MutexLock lock(&mu);
    auto [it, inserted] = databases->try_emplace(dir);
    if (inserted) it->second = NewDatabase();
    database = it->second;
  }
  auto store = PgEventStore::Open(StoreOptions(database, "replica-a"));
  EXPECT_TRUE(store.ok()) << store.status();
  return store.ok() ? std::unique_ptr<EventStore>(*std::move(store)) : nullptr;
}

}  // namespace
}  // namespace barion_gateway::server::postgres

namespace barion_gateway::server {
INSTANTIATE_EVENT_STORE_CONFORMANCE(Postgres,
                                    (EventStoreFactory{"postgres", &postgres::OpenPostgres}));
}  // namespace barion_gateway::server

namespace barion_gateway::server::postgres {
namespace {

v1::PaymentEvent Event(const std::string& payment_id, v1::PaymentStatus status,
                       const std::string& total = "1000") {
  v1::PaymentEvent e;
  e.set_shop("web");
  e.set_payment_id(payment_id);
  v1::GetPaymentStateResponse* s = e.mutable_snapshot();
  s->set_payment_id(payment_id);
  s->set_status(status);
  s->set_total(total);
  return e;
}

// Records what a follower hands on.
class Recorder : public EventLogObserver {
 public:
  void EventAppended(const EventCursor& cursor, const v1::PaymentEvent& event) override {
    absl::MutexLock lock(&mu_);
    cursors_.push_back(cursor);
    events_.push_back(event);
  }
  void LogUnavailable() override { ++unavailable_; }
  std::vector<EventCursor> cursors() const {
    absl::MutexLock lock(&mu_);
    return cursors_;
  }
  std::vector<v1::PaymentEvent> events() const {
    absl::MutexLock lock(&mu_);
    return events_;
  }
  // Waits until `n` events came (false after `timeout`).
  bool AwaitCount(size_t n, absl::Duration timeout) const {
    absl::MutexLock lock(&mu_);
    auto enough = [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return cursors_.size() >= n; };
    return mu_.AwaitWithTimeout(absl::Condition(&enough), timeout);
  }
  std::atomic<int> unavailable_{0};

 private:
  mutable absl::Mutex mu_;
  std::vector<EventCursor> cursors_ ABSL_GUARDED_BY(mu_);
  std::vector<v1::PaymentEvent> events_ ABSL_GUARDED_BY(mu_);
};

class PgEventStoreTest : public testing::Test {
 protected:
  void SetUp() override { database_ = NewDatabase(); }
  std::unique_ptr<PgEventStore> Open(const std::string& owner,
                                     absl::Duration lease = absl::Seconds(30)) {
    PgEventStore::Options options = StoreOptions(database_, owner);
    options.claim_lease = lease;
    auto store = PgEventStore::Open(options);
    EXPECT_TRUE(store.ok()) << store.status();
    return store.ok() ? *std::move(store) : nullptr;
  }
  std::string database_;
};

TEST_F(PgEventStoreTest, ReplicasStartingTogetherShareOneIdentity) {
  std::vector<std::unique_ptr<PgEventStore>> stores(4);
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&, i] { stores[i] = Open(absl::StrCat("r", i)); });
  }
  for (auto& t : threads) t.join();
  for (const auto& store : stores) ASSERT_NE(store, nullptr);
  EXPECT_GT(stores[0]->identity(), 0);
  for (const auto& store : stores) EXPECT_EQ(store->identity(), stores[0]->identity());
  // A cursor of one replica is every replica's.
  auto e = stores[1]->AppendIfChanged(Event("p1", v1::PAYMENT_STATUS_PREPARED));
  ASSERT_TRUE(e.ok() && e->has_value()) << e.status();
  auto cursor = EventCursor::FromText((*e)->cursor());
  ASSERT_TRUE(cursor.ok());
  EXPECT_TRUE(stores[3]->Owns(*cursor));
  EXPECT_EQ(stores[3]->ReadAfter(EventCursor(), {}, 10)->size(), 1u);
  EXPECT_FALSE(stores[3]->Owns(EventCursor::At(cursor->high(), cursor->low() + (1LL << 40))));
}

TEST_F(PgEventStoreTest, AReplicasClaimedReceiptsAreItsOwnUntilTheLeaseEnds) {
  auto a = Open("replica-a", absl::Seconds(2));
  auto b = Open("replica-b", absl::Seconds(2));
  const absl::Time t = absl::Now();
  auto p1 = a->RecordCallback("web", "p1", t);
  auto p2 = b->RecordCallback("web", "p2", t);
  ASSERT_TRUE(p1.ok() && p2.ok());
  auto claimed = a->PendingCallbacks(1);  // only p1's receipt
  ASSERT_TRUE(claimed.ok()) << claimed.status();
  ASSERT_EQ(claimed->size(), 1u);
  EXPECT_EQ((*claimed)[0].payment_id, "p1");
  // B skips A's claim, and a later receipt for A's payment too: one replica per payment.
  ASSERT_TRUE(b->RecordCallback("web", "p1", t + absl::Seconds(1)).ok());
  auto other = b->PendingCallbacks(10);
  ASSERT_TRUE(other.ok());
  ASSERT_EQ(other->size(), 1u);
  EXPECT_EQ((*other)[0].payment_id, "p2");
  // A's next round renews its claim and takes the payment's new receipt; nothing of B's.
  auto renewed = a->PendingCallbacks(10);
  ASSERT_EQ(renewed->size(), 2u);
  EXPECT_EQ((*renewed)[0].payment_id, "p1");
  EXPECT_EQ((*renewed)[1].payment_id, "p1");
  // A dies (no more rounds): after the lease B takes its work over.
  a.reset();
  EXPECT_EQ(b->PendingCallbacks(10)->size(), 1u) << "still A's";
  absl::SleepFor(absl::Seconds(2.2));
  auto taken_over = b->PendingCallbacks(10);
  ASSERT_EQ(taken_over->size(), 3u);
  ASSERT_TRUE(b->CompleteCallbacks({(*taken_over)[0].id, (*taken_over)[1].id}).ok());
  EXPECT_EQ(b->PendingCallbacks(10)->size(), 1u);
}

TEST_F(PgEventStoreTest, DueChecksAreClaimedByOneReplicaUntilTheLeaseEnds) {
  auto a = Open("replica-a");
  auto b = Open("replica-b");
  const absl::Time t0 = absl::FromUnixSeconds(1700000000);
  ASSERT_TRUE(a->WatchPayment("web", "p1", t0, absl::Minutes(1)).ok());
  ASSERT_TRUE(a->WatchPayment("web", "p2", t0, absl::Minutes(1)).ok());
  auto mine = a->DueWatchedPayments(t0 + absl::Seconds(1), 10);
  ASSERT_TRUE(mine.ok()) << mine.status();
  EXPECT_EQ(mine->size(), 2u);
  EXPECT_EQ((*mine)[0].next_check, t0) << "reported as it was due";
  EXPECT_TRUE(b->DueWatchedPayments(t0 + absl::Seconds(2), 10)->empty()) << "claimed by A";
  // A checked p1 and rescheduled it; p2's check died with A: due again after the lease.
  ASSERT_TRUE(a->RescheduleWatch("web", "p1", t0 + absl::Hours(1), absl::Minutes(2)).ok());
  auto later = b->DueWatchedPayments(t0 + absl::Seconds(1) + absl::Minutes(5), 10);
  ASSERT_EQ(later->size(), 1u);
  EXPECT_EQ((*later)[0].payment_id, "p2");
}

// Three replicas, each with an observer; four writers append on all three at once, some to
// shared payments: every observer is told of every event once, in the log's order, and each
// payment's events follow one another.
TEST_F(PgEventStoreTest, EveryReplicasObserverSeesEveryAppendOnceInOneOrder) {
  std::vector<std::unique_ptr<PgEventStore>> stores;
  std::vector<std::unique_ptr<Recorder>> observers;
  for (int i = 0; i < 3; ++i) {
    stores.push_back(Open(absl::StrCat("r", i)));
    ASSERT_NE(stores.back(), nullptr);
    observers.push_back(std::make_unique<Recorder>());
    stores.back()->SetObserver(observers.back().get());
  }
  constexpr int kWriters = 4, kEach = 60;
  const std::vector<v1::PaymentStatus> kStatuses = {
      v1::PAYMENT_STATUS_PREPARED, v1::PAYMENT_STATUS_STARTED,  v1::PAYMENT_STATUS_IN_PROGRESS,
      v1::PAYMENT_STATUS_WAITING,  v1::PAYMENT_STATUS_RESERVED, v1::PAYMENT_STATUS_AUTHORIZED};
  std::atomic<int> appended{0};
  std::vector<std::thread> writers;
  for (int w = 0; w < kWriters; ++w) {
    writers.emplace_back([&, w] {
      for (int i = 0; i < kEach; ++i) {
        PgEventStore& store = *stores[(w + i) % 3];
        // Every third event goes to one of two shared payments, with a new total each time.
        const std::string id =
            i % 3 == 0 ? absl::StrCat("shared-", i % 2) : absl::StrCat(w, "-", i);
        auto e = store.AppendIfChanged(
            Event(id, kStatuses[(w * kEach + i) % kStatuses.size()], absl::StrCat(w * 1000 + i)));
        ASSERT_TRUE(e.ok()) << e.status();
        if (e->has_value()) ++appended;
      }
    });
  }
  for (auto& t : writers) t.join();
  const size_t total = static_cast<size_t>(appended.load());
  EXPECT_EQ(total, static_cast<size_t>(kWriters * kEach));
  auto log = stores[0]->ReadAfter(EventCursor(), {}, 10000);
  ASSERT_TRUE(log.ok());
  ASSERT_EQ(log->size(), total);
  for (const auto& observer : observers) {
    ASSERT_TRUE(observer->AwaitCount(total, absl::Seconds(10))) << observer->cursors().size();
    const std::vector<v1::PaymentEvent> seen = observer->events();
    ASSERT_EQ(seen.size(), total) << "no duplicate";
    for (size_t i = 0; i < total; ++i) EXPECT_EQ(seen[i].cursor(), (*log)[i].cursor());
  }
  // Per payment, each event's previous status is the status of the one before it in the log:
  // no two appends saw the same "last" state, and none landed before one it followed.
  std::map<std::string, v1::PaymentStatus> last;
  for (const v1::PaymentEvent& e : *log) {
    auto it = last.find(e.payment_id());
    EXPECT_EQ(e.previous_status(), it == last.end() ? v1::PAYMENT_STATUS_UNSPECIFIED : it->second)
        << e.payment_id() << " at " << e.cursor();
    last[e.payment_id()] = e.snapshot().status();
  }
  for (auto& store : stores) store->SetObserver(nullptr);
}

// The database stops and starts again: calls fail UNAVAILABLE meanwhile, the observer is told
// once, and afterwards the same store objects work again and the follower goes on from where it
// was (nothing acknowledged before the outage is lost, nothing is handed on twice).
TEST_F(PgEventStoreTest, SurvivesADatabaseRestartWithoutLosingAcknowledgedWork) {
  auto a = Open("replica-a");
  auto b = Open("replica-b");
  Recorder observer;
  b->SetObserver(&observer);
  ASSERT_TRUE(a->AppendIfChanged(Event("p1", v1::PAYMENT_STATUS_PREPARED)).ok());
  auto receipt = a->RecordCallback("web", "p1", absl::Now());
  ASSERT_TRUE(receipt.ok());
  ASSERT_TRUE(observer.AwaitCount(1, absl::Seconds(5)));

  ASSERT_TRUE(Server().Stop().ok());
  EXPECT_EQ(a->RecordCallback("web", "p2", absl::Now()).status().code(),
            absl::StatusCode::kUnavailable);
  EXPECT_EQ(a->AppendIfChanged(Event("p2", v1::PAYMENT_STATUS_PREPARED)).status().code(),
            absl::StatusCode::kUnavailable);
  const absl::Time deadline = absl::Now() + absl::Seconds(5);
  while (observer.unavailable_.load() == 0 && absl::Now() < deadline) {
    absl::SleepFor(absl::Milliseconds(50));
  }
  EXPECT_EQ(observer.unavailable_.load(), 1);
  ASSERT_TRUE(Server().Restart().ok());

  auto pending = a->PendingCallbacks(10);
  ASSERT_TRUE(pending.ok()) << pending.status();
  ASSERT_EQ(pending->size(), 1u);
  EXPECT_EQ((*pending)[0].id, *receipt);
  ASSERT_TRUE(a->AppendIfChanged(Event("p1", v1::PAYMENT_STATUS_SUCCEEDED)).ok());
  ASSERT_TRUE(observer.AwaitCount(2, absl::Seconds(10)));
  absl::SleepFor(absl::Milliseconds(300));
  const std::vector<v1::PaymentEvent> seen = observer.events();
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[1].snapshot().status(), v1::PAYMENT_STATUS_SUCCEEDED);
  EXPECT_EQ(observer.unavailable_.load(), 1);
  b->SetObserver(nullptr);
}

TEST_F(PgEventStoreTest, AStartSentToTwoReplicasAtOnceIsClaimedOnce) {
  auto a = Open("replica-a");
  auto b = Open("replica-b");
  for (int round = 0; round < 20; ++round) {
    const std::string key = absl::StrCat("request-", round);
    std::atomic<int> fresh{0};
    std::thread ta(
        [&] { fresh += a->ClaimStart("web", key, "req")->claim == StartLedger::Claim::kNew; });
    std::thread tb(
        [&] { fresh += b->ClaimStart("web", key, "req")->claim == StartLedger::Claim::kNew; });
    ta.join();
    tb.join();
    EXPECT_EQ(fresh.load(), 1) << key;
  }
}

}  // namespace
}  // namespace barion_gateway::server::postgres
