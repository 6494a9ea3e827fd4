// LogFollower: tells an EventLogObserver of every event of a log that other processes append to
// as well (a shared PostgreSQL log), in cursor order, from a thread of its own.
//
// It keeps a position and reads the log after it (EventLog::ReadAfter, which a shared log serves
// only up to the point no earlier event can still appear), handing each event to the observer
// and moving the position past it. It reads when woken (Wake: an append was announced) and every
// `poll` without a wake, so a lost announcement costs latency, never an event. An announcement
// names the append's position (`high`, its transaction); an append can become readable a little
// after its commit (when an earlier transaction ends), so until the position passes it the
// follower reads again after short pauses (from 1 ms, doubling to `poll`).
//
// When a read fails the observer is told once (LogUnavailable), and the follower retries every
// `retry` until the log reads again, then goes on from its position: nothing is skipped.
#ifndef BARION_GATEWAY_SERVER_EVENTS_LOG_FOLLOWER_H_
#define BARION_GATEWAY_SERVER_EVENTS_LOG_FOLLOWER_H_

#include <cstdint>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "server/events/event_log.h"

namespace barion_gateway::server {

class LogFollower {
 public:
  struct Options {
    absl::Duration poll = absl::Seconds(1);
    absl::Duration retry = absl::Milliseconds(500);
    int batch = 512;  // events per read
  };

  // `log` and `observer` are not owned and must outlive the follower.
  LogFollower(EventLog* log, EventLogObserver* observer, Options options);
  ~LogFollower();

  // Starts following after `from`.
  void Start(EventCursor from);
  // An append at transaction `high` was announced (0: something may have changed). Cheap,
  // thread-safe.
  void Wake(int64_t high);
  // Stops the thread; idempotent.
  void Stop();

  // The position: every event up to it has been handed to the observer.
  EventCursor position() const;

 private:
  void Loop();
  // Reads and hands on what is readable; false when the log could not be read.
  bool CatchUp();

  EventLog* const log_;
  EventLogObserver* const observer_;
  const Options options_;
  std::thread thread_;

  mutable absl::Mutex mu_;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  bool woken_ ABSL_GUARDED_BY(mu_) = false;
  int64_t wanted_ ABSL_GUARDED_BY(mu_) = 0;  // the highest announced transaction
  EventCursor position_ ABSL_GUARDED_BY(mu_);
};

}  // namespace barion_gateway::server

#endif  // BARION_GATEWAY_SERVER_EVENTS_LOG_FOLLOWER_H_
