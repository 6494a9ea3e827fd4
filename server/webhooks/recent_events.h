// RecentEvents: the newest events of the log in memory, fed by the log's observer, so that
// endpoints that keep up take new events from here instead of each reading the store (with 100
// endpoints, one store read per event instead of 100). It covers every event in
// (covers_after, head]: an endpoint whose read position is older than covers_after reads the
// store instead. Holds at most `capacity` events; the oldest go first. Thread-safe.
#ifndef BARION_GATEWAY_SERVER_WEBHOOKS_RECENT_EVENTS_H_
#define BARION_GATEWAY_SERVER_WEBHOOKS_RECENT_EVENTS_H_

#include <cstdint>
#include <deque>
#include <memory>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "barion/v1/payment_event.pb.h"
#include "server/events/event_cursor.h"
#include "server/webhooks/webhook_body.h"

namespace barion_gateway::server {

struct RecentEvent {
  EventCursor cursor;
  std::shared_ptr<const SharedEvent> event;
};

class RecentEvents {
 public:
  explicit RecentEvents(size_t capacity) : capacity_(capacity) {}

  // Starting takes two steps, so that no event falls between the store and the ring: Collect()
  // keeps every event appended from now on; then the caller reads the log's newest event `head`
  // and Cover(head) drops what the store already has and covers what comes after it.
  void Collect();
  void Cover(const EventCursor& head);
  // A new event, in cursor order (one not after the last is ignored); kept once collecting.
  void Append(const EventCursor& cursor, const barion::v1::PaymentEvent& event);
  // Whether it covers everything after `after`; if so, `out` gets up to `limit` events after it
  // and `*head` the newest event it knows (all events up to it are in `out` or were before
  // `after`, when `out` is not full).
  bool After(const EventCursor& after, size_t limit, std::vector<RecentEvent>* out,
             EventCursor* head) const;
  EventCursor head() const;
  // Bumped by every Append: waiters compare it to notice new events.
  int64_t generation() const;

 private:
  const size_t capacity_;
  mutable absl::Mutex mu_;
  std::deque<RecentEvent> events_ ABSL_GUARDED_BY(mu_);
  EventCursor covers_after_ ABSL_GUARDED_BY(mu_);
  EventCursor head_ ABSL_GUARDED_BY(mu_);
  bool collecting_ ABSL_GUARDED_BY(mu_) = false;
  bool covering_ ABSL_GUARDED_BY(mu_) = false;
  int64_t generation_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace barion_gateway::server

#endif  // BARION_GATEWAY_SERVER_WEBHOOKS_RECENT_EVENTS_H_
