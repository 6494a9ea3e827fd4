#include "server/events/log_follower.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "server/common/log.h"
#include "server/common/thread_name.h"

namespace barion_gateway::server {

LogFollower::LogFollower(EventLog* log, EventLogObserver* observer, Options options)
    : log_(log), observer_(observer), options_(options) {}

LogFollower::~LogFollower() { Stop(); }

void LogFollower::Start(EventCursor from) {
  {
    absl::MutexLock lock(&mu_);
    position_ = from;
  }
  thread_ = NamedThread("log-follower", [this] { Loop(); });
}

void LogFollower::Wake(int64_t high) {
  absl::MutexLock lock(&mu_);
  woken_ = true;
  wanted_ = std::max(wanted_, high);
}

void LogFollower::Stop() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  if (thread_.joinable()) thread_.join();
}

EventCursor LogFollower::position() const {
  absl::MutexLock lock(&mu_);
  return position_;
}

bool LogFollower::CatchUp() {
  EventCursor position = this->position();
  for (;;) {
    absl::StatusOr<std::vector<barion::v1::PaymentEvent>> events =
        log_->ReadAfter(position, {}, options_.batch);
    if (!events.ok()) {
      LogLimited(LogLevel::kError, "event log follower",
                 absl::StrCat("event log: cannot follow appends: ", events.status().message()));
      return false;
    }
    for (const barion::v1::PaymentEvent& event : *events) {
      absl::StatusOr<EventCursor> cursor = EventCursor::FromText(event.cursor());
      if (!cursor.ok()) continue;  // the log makes them: cannot happen
      observer_->EventAppended(*cursor, event);
      position = *cursor;
    }
    {
      absl::MutexLock lock(&mu_);
      position_ = position;
      if (stopping_) return true;
    }
    if (static_cast<int>(events->size()) < options_.batch) return true;
  }
}

void LogFollower::Loop() {
  bool unavailable = false;
  absl::Duration pause = absl::Milliseconds(1);
  for (;;) {
    const bool ok = CatchUp();
    if (!ok && !unavailable) observer_->LogUnavailable();
    unavailable = !ok;
    absl::MutexLock lock(&mu_);
    if (stopping_) return;
    auto stop = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return stopping_; };
    auto wake = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return woken_ || stopping_; };
    if (unavailable) {
      mu_.AwaitWithTimeout(absl::Condition(&stop), options_.retry);
    } else if (wanted_ > position_.high()) {
      // Announced but not yet readable (an older transaction is still open): read again soon;
      // a wake would not make it readable sooner.
      mu_.AwaitWithTimeout(absl::Condition(&stop), pause);
      pause = std::min(pause * 2, options_.poll);
    } else {
      pause = absl::Milliseconds(1);
      mu_.AwaitWithTimeout(absl::Condition(&wake), options_.poll);
    }
    woken_ = false;
    if (stopping_) return;
  }
}

}  // namespace barion_gateway::server
