// CallbackProcessor: turns recorded callbacks (and changes made through the gateway's RPCs)
// into PaymentEvents. A background thread takes pending receipts from the EventStore, fetches
// the payment's authoritative state from Barion, appends an event when the state changed, and
// marks the receipts done. Several receipts for one payment are served by one fetch (Barion
// serves 2 PaymentState calls per payment per 5 s); different payments are fetched
// concurrently (Options::fetch_concurrency), their states recorded in receipt order.
//
// Callbacks for payments the gateway has never seen are fetched within a per-shop budget
// (Options::unknown_fetches_per_second), so no burst of callbacks becomes a burst of Barion
// calls; processed receipts are deleted after Options::inbox_retention.
//
// Failures: NOT_FOUND / INVALID_ARGUMENT (a payment Barion does not know: callbacks are unsigned
// and may be forged) drop the receipt with a warning; anything else (Barion unreachable, rate
// limit, a bad key) is retried with exponential backoff, and the receipt stays in the store, so
// a restart resumes it.
#ifndef BARION_GATEWAY_SERVER_EVENTS_CALLBACK_PROCESSOR_H_
#define BARION_GATEWAY_SERVER_EVENTS_CALLBACK_PROCESSOR_H_

#include <deque>
#include <functional>
#include <map>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "barion/v1/payment_service.pb.h"
#include "server/events/doorbell.h"
#include "server/events/event_store.h"
#include "server/events/payment_state_fetcher.h"
#include "server/metrics/pipeline_metrics.h"

namespace barion_gateway::server {

class CallbackProcessor {
 public:
  struct Options {
    int batch = 256;            // receipts read per round
    int fetch_concurrency = 8;  // payments whose state is fetched at the same time
    absl::Duration idle_poll = absl::Milliseconds(500);  // look again even without Notify()
    absl::Duration fetch_timeout = absl::Seconds(10);    // also bounds how long Stop() can wait
    // The time retries and budgets are measured by (tests move it by hand).
    std::function<absl::Time()> clock = &absl::Now;
    absl::Duration initial_backoff = absl::Seconds(1);
    absl::Duration max_backoff = absl::Minutes(2);
    // Callbacks for payments the gateway has never seen (KnowsPayment) cost a Barion call each:
    // per shop at most this many per second, with bursts of unknown_fetch_burst. Beyond it such
    // a callback is dropped (answered 200 already; logged, limited) instead of fetched.
    double unknown_fetches_per_second = 2;
    int unknown_fetch_burst = 10;  // the gateway sets 5x the rate
    // Processed receipts older than this are deleted, looked at every prune_interval.
    absl::Duration inbox_retention = absl::Hours(24 * 7);
    absl::Duration prune_interval = absl::Minutes(10);
    // Counts receipts by outcome and callback → event latency; not owned; may be null.
    PipelineMetrics* metrics = nullptr;
  };

  // `store` and `fetcher` are not owned and must outlive the processor. `doorbell` (not owned;
  // null: one of its own) is what producers ring when they recorded a receipt.
  CallbackProcessor(EventStore* store, PaymentStateFetcher* fetcher, Options options,
                    Doorbell* doorbell = nullptr);
  ~CallbackProcessor();

  // Starts the background thread and the fetchers; it first resumes receipts left from before a
  // restart.
  void Start();
  // Wakes the thread: a receipt was recorded (rings the doorbell). Thread-safe, cheap.
  void Notify() { doorbell_->Ring(); }
  // Stops the thread (a fetch in progress finishes first). Idempotent.
  void Stop();

  // One round: processes what is due now (fetching on the caller's thread before Start()).
  void RunOnce();

 private:
  // The receipts of one payment (shop, payment id), oldest first: one fetch serves them all.
  struct Group {
    std::pair<std::string, std::string> key;
    std::vector<int64_t> ids;
    barion::v1::EventSource source;
    absl::Time first_received;  // the oldest receipt's arrival
    std::string trace_id;       // the first RPC-made receipt's, for the log lines
  };
  static std::vector<Group> GroupByPayment(const std::vector<PendingCallback>& pending);
  // The groups not waiting for a retry; none while stopping.
  std::vector<const Group*> Due(const std::vector<Group>& groups);
  // Drops (marks done) callbacks for unseen payments beyond their shop's budget; the rest.
  std::vector<const Group*> WithinUnknownBudget(std::vector<const Group*> due);
  // Fetches the chunk's states concurrently, records them, marks done what was recorded.
  void FetchAndRecord(const std::vector<const Group*>& chunk);
  void Loop();
  void FetcherLoop();
  // Records a fetched state (or schedules a retry when it could not be fetched or recorded).
  // Returns whether the payment's receipts are done.
  bool Record(const Group& group, FetchedState state, absl::Time now);
  void Count(CallbackOutcome outcome, size_t receipts) const;
  // Whether a fetch for an unknown payment of `shop` fits the budget now (takes a token).
  bool TakeUnknownFetch(const std::string& shop, absl::Time now);
  // Deletes processed receipts past the retention, at most every prune_interval.
  void PruneIfDue(absl::Time now);
  // Runs `jobs` on the fetchers (inline when there are none) and waits for all of them.
  void RunAll(std::vector<std::function<void()>>& jobs);

  EventStore* const store_;
  PaymentStateFetcher* const fetcher_;
  Doorbell own_doorbell_;
  Doorbell* const doorbell_;
  const Options options_;
  std::thread thread_;
  std::vector<std::thread> fetchers_;

  absl::Mutex mu_;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::deque<std::function<void()>> jobs_ ABSL_GUARDED_BY(mu_);
  // Per payment (shop, id): when to try again, and the current backoff.
  std::map<std::pair<std::string, std::string>, std::pair<absl::Time, absl::Duration>> retry_
      ABSL_GUARDED_BY(mu_);
  // Per shop: the token bucket of unknown-payment fetches (tokens, when last refilled). Only
  // the RunOnce thread uses it.
  std::map<std::string, std::pair<double, absl::Time>> unknown_budget_;
  absl::Time last_prune_ = absl::InfinitePast();
};

}  // namespace barion_gateway::server

#endif  // BARION_GATEWAY_SERVER_EVENTS_CALLBACK_PROCESSOR_H_
