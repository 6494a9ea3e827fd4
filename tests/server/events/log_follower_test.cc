// LogFollower over a log it reads by cursor: every event handed on once, in cursor order, from
// where it started; woken or on its timer; a log that cannot be read reported once per outage,
// and followed again afterwards without a gap.
#include "server/events/log_follower.h"

#include <atomic>

#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"

namespace barion_gateway::server {
namespace {

namespace v1 = ::barion::v1;

// A log in memory whose reads can be made to fail.
class MemoryLog : public EventLog {
 public:
  void Add(const std::string& payment_id) {
    absl::MutexLock lock(&mu_);
    v1::PaymentEvent e;
    e.set_shop("web");
    e.set_payment_id(payment_id);
    e.set_cursor(EventCursor::At(7, static_cast<int64_t>(events_.size()) + 1).ToText());
    events_.push_back(e);
  }
  void SetFailing(bool failing) { failing_ = failing; }
  int reads() const { return reads_; }

  void SetObserver(EventLogObserver*) override {}
  absl::StatusOr<std::optional<v1::PaymentEvent>> AppendIfChanged(v1::PaymentEvent) override {
    return absl::UnimplementedError("not here");
  }
  absl::StatusOr<std::vector<v1::PaymentEvent>> ReadAfter(const EventCursor& after,
                                                          const EventFilter&, int limit) override {
    ++reads_;
    if (failing_) return absl::UnavailableError("the database is down");
    absl::MutexLock lock(&mu_);
    std::vector<v1::PaymentEvent> out;
    for (const v1::PaymentEvent& e : events_) {
      if (*EventCursor::FromText(e.cursor()) > after && static_cast<int>(out.size()) < limit) {
        out.push_back(e);
      }
    }
    return out;
  }
  absl::StatusOr<EventCursor> LastCursor() override { return EventCursor(); }
  absl::StatusOr<EventCursor> LastCursorOf(const std::vector<std::string>&,
                                           const EventCursor&) override {
    return EventCursor();
  }
  bool Owns(const EventCursor&) const override { return true; }

 private:
  absl::Mutex mu_;
  std::vector<v1::PaymentEvent> events_ ABSL_GUARDED_BY(mu_);
  std::atomic<bool> failing_{false};
  std::atomic<int> reads_{0};
};

class Recorder : public EventLogObserver {
 public:
  void EventAppended(const EventCursor& cursor, const v1::PaymentEvent& event) override {
    absl::MutexLock lock(&mu_);
    cursors_.push_back(cursor);
    ids_.push_back(event.payment_id());
  }
  void LogUnavailable() override { ++unavailable; }
  bool Await(size_t n, absl::Duration timeout) {
    absl::MutexLock lock(&mu_);
    auto enough = [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return ids_.size() >= n; };
    return mu_.AwaitWithTimeout(absl::Condition(&enough), timeout);
  }
  std::vector<std::string> ids() {
    absl::MutexLock lock(&mu_);
    return ids_;
  }
  std::vector<EventCursor> cursors() {
    absl::MutexLock lock(&mu_);
    return cursors_;
  }
  std::atomic<int> unavailable{0};

 private:
  absl::Mutex mu_;
  std::vector<EventCursor> cursors_ ABSL_GUARDED_BY(mu_);
  std::vector<std::string> ids_ ABSL_GUARDED_BY(mu_);
};

TEST(LogFollowerTest, HandsOnEveryEventAfterItsStartInOrderInBatches) {
  MemoryLog log;
  for (int i = 0; i < 10; ++i) log.Add("p" + std::to_string(i));
  Recorder observer;
  LogFollower::Options options;
  options.batch = 3;  // several reads per catch-up
  LogFollower follower(&log, &observer, options);
  follower.Start(EventCursor::At(7, 4));  // the observer knows the first four
  ASSERT_TRUE(observer.Await(6, absl::Seconds(5)));
  log.Add("p10");
  follower.Wake(7);
  ASSERT_TRUE(observer.Await(7, absl::Seconds(5)));
  follower.Stop();
  EXPECT_EQ(observer.ids(), (std::vector<std::string>{"p4", "p5", "p6", "p7", "p8", "p9", "p10"}));
  EXPECT_EQ(follower.position(), EventCursor::At(7, 11));
  for (size_t i = 1; i < observer.cursors().size(); ++i) {
    EXPECT_LT(observer.cursors()[i - 1], observer.cursors()[i]);
  }
}

TEST(LogFollowerTest, ReadsOnItsTimerWithoutAWake) {
  MemoryLog log;
  Recorder observer;
  LogFollower::Options options;
  options.poll = absl::Milliseconds(50);
  LogFollower follower(&log, &observer, options);
  follower.Start(EventCursor());
  absl::SleepFor(absl::Milliseconds(100));
  log.Add("lost-notification");  // nobody wakes it
  EXPECT_TRUE(observer.Await(1, absl::Seconds(2)));
}

TEST(LogFollowerTest, AnAnnouncedAppendNotYetReadableIsReadAgainSoon) {
  MemoryLog log;
  Recorder observer;
  LogFollower::Options options;
  options.poll = absl::Seconds(30);  // only the short pauses can find it in time
  LogFollower follower(&log, &observer, options);
  follower.Start(EventCursor());
  follower.Wake(7);  // announced, but not readable yet (an older transaction is open)
  absl::SleepFor(absl::Milliseconds(30));
  log.Add("late");
  EXPECT_TRUE(observer.Await(1, absl::Seconds(2)));
}

TEST(LogFollowerTest, AnOutageIsReportedOnceAndFollowedWithoutAGap) {
  MemoryLog log;
  log.Add("before");
  Recorder observer;
  LogFollower::Options options;
  options.retry = absl::Milliseconds(20);
  LogFollower follower(&log, &observer, options);
  follower.Start(EventCursor());
  ASSERT_TRUE(observer.Await(1, absl::Seconds(5)));
  log.SetFailing(true);
  follower.Wake(0);
  const int reads = log.reads();
  absl::SleepFor(absl::Milliseconds(200));
  EXPECT_GT(log.reads(), reads + 3) << "retries while down";
  EXPECT_EQ(observer.unavailable.load(), 1) << "once per outage";
  log.Add("during");
  log.SetFailing(false);
  ASSERT_TRUE(observer.Await(2, absl::Seconds(5)));
  EXPECT_EQ(observer.ids(), (std::vector<std::string>{"before", "during"}));
  EXPECT_EQ(observer.unavailable.load(), 1);
}

}  // namespace
}  // namespace barion_gateway::server
