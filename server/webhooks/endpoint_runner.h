// EndpointRunner: delivers one endpoint's events while this process holds the endpoint
// (docs/WEBHOOKS.md, "Ordering, duplicates and crashes").
//
// It reads the log after its position into a window of at most `window` events that match the
// endpoint's shops and statuses: from RecentEvents while that still covers its position, else from
// the store. `max_in_flight` sender threads take events from the window: an event is sent when
// no earlier event of the same payment in the window is still undelivered, so each payment's
// events arrive in log order while different payments go in parallel. A failed attempt is
// retried after the next retry delay (jittered by up to 20%); after the last one the event becomes
// a dead letter, stored before the position passes it. When any attempt succeeds, events waiting
// for a retry are tried at once (the receiver is back). The position is the cursor through which
// every event was delivered or dead-lettered; SavePosition writes it (the dispatcher calls it
// every 200 ms and on Stop), so a crash repeats at most what was delivered since, with the same
// webhook-id: never skips an event.
//
// A failing endpoint holds only its own threads and window: other runners are independent.
#ifndef BARION_GATEWAY_SERVER_WEBHOOKS_ENDPOINT_RUNNER_H_
#define BARION_GATEWAY_SERVER_WEBHOOKS_ENDPOINT_RUNNER_H_

#include <cstdint>
#include <deque>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "barion/v1/payment_event.pb.h"
#include "server/events/event_log.h"
#include "server/metrics/webhook_metrics.h"
#include "server/webhooks/endpoint_config.h"
#include "server/webhooks/recent_events.h"
#include "server/webhooks/webhook_body.h"
#include "server/webhooks/webhook_sender.h"
#include "server/webhooks/webhook_store.h"

namespace barion_gateway::server {

class EndpointRunner {
 public:
  struct Deps {
    EventLog* log = nullptr;            // catch-up reads; not owned
    WebhookStore* store = nullptr;      // dead letters; not owned
    RecentEvents* recent = nullptr;     // new events; not owned
    WebhookMetrics* metrics = nullptr;  // may be null; not owned
    std::vector<absl::Duration> retry_delays;
  };
  struct State {
    EventCursor position;
    int64_t backlog = 0;        // log events after the position (an upper bound with filters)
    absl::Duration oldest_age;  // of the oldest undelivered event in the window (0: none)
    int in_flight = 0;
    absl::Time last_success = absl::InfinitePast();
    absl::Time last_failure = absl::InfinitePast();
    std::string last_error;
  };

  EndpointRunner(WebhookEndpointConfig config, std::shared_ptr<WebhookSender> sender, Deps deps);
  ~EndpointRunner();

  // Delivers the events after `position` on max_in_flight threads until Stop.
  void Start(const EventCursor& position);
  // No new attempts; waits for those in flight. With `save`, writes the position last.
  void Stop(bool save);
  // New events may be in RecentEvents.
  void Wake();
  // Writes the position if it moved since the last write.
  absl::Status SavePosition();
  // Restarts after `position` (an operator's replay): the window is dropped, attempts in flight
  // finish but their results no longer count.
  void Rewind(const EventCursor& position);

  State state() const;
  // Events whose attempts failed and that wait for the next one, oldest first, at most `limit`.
  struct Retrying {
    std::string cursor;
    std::string payment_id;
    int attempts = 0;
    absl::Time next_attempt;
    std::string last_error;
  };
  std::vector<Retrying> retrying(size_t limit) const;
  const WebhookEndpointConfig& config() const { return config_; }
  WebhookSender& sender() { return *sender_; }
  bool running() const;

 private:
  struct Slot {
    uint64_t seq = 0;
    EventCursor cursor;
    std::string payment_key;  // shop and payment id
    std::shared_ptr<const SharedEvent> event;
    int attempts = 0;
    absl::Time not_before = absl::InfinitePast();
    bool sending = false;
    bool done = false;
    std::string last_error;
  };

  void Work();
  // Reads more events into the window; mu_ held, released while reading.
  void Fill() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // The slot whose turn it is, if its time has come (taken out of ready_); null when none.
  Slot* Pick(absl::Time now) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // `slot` is delivered or dead-lettered: the next event of its payment gets its turn.
  void Finished(const Slot& slot) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void Clear() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // One attempt of `slot` (mu_ held, released while sending).
  void Attempt(Slot* slot) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  Slot* Find(uint64_t seq) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Pops the delivered slots at the front, moving the position.
  void Advance() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  bool Matches(const barion::v1::PaymentEvent& event) const;
  absl::Duration RetryDelay(int attempts) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const WebhookEndpointConfig config_;
  const std::shared_ptr<WebhookSender> sender_;
  const Deps deps_;
  const size_t window_;
  EventFilter filter_;
  // The endpoint's metric series (null without metrics); the dispatcher forgets them only after
  // Stop.
  WebhookMetrics::Series* series_ = nullptr;

  mutable absl::Mutex mu_;
  absl::CondVar cv_;
  bool running_ ABSL_GUARDED_BY(mu_) = false;
  std::vector<std::thread> threads_;
  std::deque<Slot> slots_ ABSL_GUARDED_BY(mu_);
  // The slots that may be attempted (each the earliest undelivered event of its payment, not
  // being sent) by when: Pick takes the first. O(log n) per step, whatever the window holds.
  std::set<std::pair<absl::Time, uint64_t>> ready_ ABSL_GUARDED_BY(mu_);
  // Per payment with undelivered slots, their seqs in log order: the front one has its turn.
  absl::flat_hash_map<std::string, std::deque<uint64_t>> turns_ ABSL_GUARDED_BY(mu_);
  uint64_t next_seq_ ABSL_GUARDED_BY(mu_) = 1;
  uint64_t epoch_ ABSL_GUARDED_BY(mu_) = 0;  // bumped by Rewind
  EventCursor position_ ABSL_GUARDED_BY(mu_);
  EventCursor saved_ ABSL_GUARDED_BY(mu_);
  bool dirty_ ABSL_GUARDED_BY(mu_) = false;
  EventCursor read_through_ ABSL_GUARDED_BY(mu_);  // every event up to it was considered
  bool filling_ ABSL_GUARDED_BY(mu_) = false;
  bool caught_up_ ABSL_GUARDED_BY(mu_) = false;                             // until the next Wake
  absl::Time fill_not_before_ ABSL_GUARDED_BY(mu_) = absl::InfinitePast();  // after a store error
  int in_flight_ ABSL_GUARDED_BY(mu_) = 0;
  absl::Time last_success_ ABSL_GUARDED_BY(mu_) = absl::InfinitePast();
  absl::Time last_failure_ ABSL_GUARDED_BY(mu_) = absl::InfinitePast();
  std::string last_error_ ABSL_GUARDED_BY(mu_);
  std::mt19937_64 random_ ABSL_GUARDED_BY(mu_);
};

}  // namespace barion_gateway::server

#endif  // BARION_GATEWAY_SERVER_WEBHOOKS_ENDPOINT_RUNNER_H_
