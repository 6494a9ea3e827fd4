// RecordObservedState on its own: a state becomes an event only when it differs from the
// payment's last one, a final state ends the reconciler's watch, and a store that cannot append
// says so (nothing is then reported as recorded).
#include "server/events/state_recorder.h"

#include <memory>
#include <string>

#include "gtest/gtest.h"
#include "server/events/sqlite/sqlite_event_store.h"

namespace barion_gateway::server {
namespace {

namespace v1 = ::barion::v1;

// The SQLite store's log, with appends that fail while `failing`.
class FailingLog final : public EventLog {
 public:
  explicit FailingLog(EventLog* log) : log_(log) {}
  void SetObserver(EventLogObserver* observer) override { log_->SetObserver(observer); }
  absl::StatusOr<std::optional<v1::PaymentEvent>> AppendIfChanged(v1::PaymentEvent e) override {
    if (failing) return absl::UnavailableError("disk full");
    return log_->AppendIfChanged(std::move(e));
  }
  absl::StatusOr<std::vector<v1::PaymentEvent>> ReadAfter(const EventCursor& after,
                                                          const EventFilter& filter,
                                                          int limit) override {
    return log_->ReadAfter(after, filter, limit);
  }
  absl::StatusOr<EventCursor> LastCursor() override { return log_->LastCursor(); }
  absl::StatusOr<EventCursor> LastCursorOf(const std::vector<std::string>& shops,
                                           const EventCursor& at_most) override {
    return log_->LastCursorOf(shops, at_most);
  }
  bool Owns(const EventCursor& cursor) const override { return log_->Owns(cursor); }
  bool failing = false;

 private:
  EventLog* log_;
};

v1::GetPaymentStateResponse State(v1::PaymentStatus status, const std::string& total = "100") {
  v1::GetPaymentStateResponse s;
  s.set_payment_id("p1");
  s.set_status(status);
  s.set_total(total);
  return s;
}

class StateRecorderTest : public testing::Test {
 protected:
  void SetUp() override {
    static int n = 0;
    store_ =
        *SqliteEventStore::Open(testing::TempDir() + "/recorder-" + std::to_string(n++) + ".db");
    log_ = std::make_unique<FailingLog>(store_.get());
    ASSERT_TRUE(
        store_->WatchPayment("web", "p1", absl::Now() + absl::Hours(1), absl::Hours(1)).ok());
  }
  absl::StatusOr<RecordedState> Record(v1::GetPaymentStateResponse state) {
    return RecordObservedState(*log_, *store_, "web", "p1", std::move(state),
                               v1::EVENT_SOURCE_CALLBACK, absl::Now(), "trace-1");
  }
  std::vector<v1::PaymentEvent> Events() { return *store_->ReadAfter(EventCursor(), {}, 100); }
  size_t Watched() { return store_->DueWatchedPayments(absl::InfiniteFuture(), 10)->size(); }

  std::unique_ptr<SqliteEventStore> store_;
  std::unique_ptr<FailingLog> log_;
};

TEST_F(StateRecorderTest, OnlyAChangedStateBecomesAnEvent) {
  absl::StatusOr<RecordedState> first = Record(State(v1::PAYMENT_STATUS_PREPARED));
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_TRUE(first->appended);
  EXPECT_FALSE(first->final_state);
  absl::StatusOr<RecordedState> same = Record(State(v1::PAYMENT_STATUS_PREPARED));
  ASSERT_TRUE(same.ok());
  EXPECT_FALSE(same->appended);
  absl::StatusOr<RecordedState> changed = Record(State(v1::PAYMENT_STATUS_PREPARED, "90"));
  ASSERT_TRUE(changed.ok());
  EXPECT_TRUE(changed->appended) << "the amount changed";
  const std::vector<v1::PaymentEvent> events = Events();
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].shop(), "web");
  EXPECT_EQ(events[0].payment_id(), "p1");
  EXPECT_EQ(events[0].source(), v1::EVENT_SOURCE_CALLBACK);
  EXPECT_TRUE(events[0].has_observed_at());
  EXPECT_EQ(Watched(), 1u) << "not final: still watched";
}

TEST_F(StateRecorderTest, AFinalStateEndsTheWatchEvenWhenAlreadyRecorded) {
  absl::StatusOr<RecordedState> done = Record(State(v1::PAYMENT_STATUS_SUCCEEDED));
  ASSERT_TRUE(done.ok());
  EXPECT_TRUE(done->final_state);
  EXPECT_TRUE(done->appended);
  EXPECT_EQ(Watched(), 0u);
  ASSERT_TRUE(store_->WatchPayment("web", "p1", absl::Now() + absl::Hours(1), absl::Hours(1)).ok());
  absl::StatusOr<RecordedState> again = Record(State(v1::PAYMENT_STATUS_SUCCEEDED));
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(again->appended);
  EXPECT_TRUE(again->final_state);
  EXPECT_EQ(Watched(), 0u);
}

TEST_F(StateRecorderTest, AStoreThatCannotAppendSaysSoAndKeepsTheWatch) {
  log_->failing = true;
  absl::StatusOr<RecordedState> failed = Record(State(v1::PAYMENT_STATUS_SUCCEEDED));
  EXPECT_EQ(failed.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(Watched(), 1u) << "nothing recorded: the payment must still be looked at";
  EXPECT_TRUE(Events().empty());
}

}  // namespace
}  // namespace barion_gateway::server
