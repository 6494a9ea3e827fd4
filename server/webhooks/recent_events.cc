#include "server/webhooks/recent_events.h"

#include <algorithm>

namespace barion_gateway::server {

void RecentEvents::Collect() {
  absl::MutexLock lock(&mu_);
  events_.clear();
  covers_after_ = head_ = EventCursor();
  collecting_ = true;
  covering_ = false;
}

void RecentEvents::Cover(const EventCursor& head) {
  absl::MutexLock lock(&mu_);
  while (!events_.empty() && events_.front().cursor <= head) events_.pop_front();
  covers_after_ = std::max(covers_after_, head);
  head_ = std::max(head_, head);
  covering_ = true;
  ++generation_;
}

void RecentEvents::Append(const EventCursor& cursor, const barion::v1::PaymentEvent& event) {
  absl::MutexLock lock(&mu_);
  if (!collecting_ || (!events_.empty() && cursor <= events_.back().cursor)) return;
  events_.push_back({cursor, std::make_shared<const SharedEvent>(event)});
  head_ = std::max(head_, cursor);
  while (events_.size() > capacity_) {
    covers_after_ = events_.front().cursor;
    events_.pop_front();
  }
  ++generation_;
}

bool RecentEvents::After(const EventCursor& after, size_t limit, std::vector<RecentEvent>* out,
                         EventCursor* head) const {
  absl::MutexLock lock(&mu_);
  if (!covering_ || after < covers_after_) return false;
  *head = head_;
  // The first event after `after`: the deque is in cursor order.
  auto it =
      std::upper_bound(events_.begin(), events_.end(), after,
                       [](const EventCursor& c, const RecentEvent& e) { return c < e.cursor; });
  for (; it != events_.end() && out->size() < limit; ++it) out->push_back(*it);
  return true;
}

EventCursor RecentEvents::head() const {
  absl::MutexLock lock(&mu_);
  return head_;
}

int64_t RecentEvents::generation() const {
  absl::MutexLock lock(&mu_);
  return generation_;
}

}  // namespace barion_gateway::server
