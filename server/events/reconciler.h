// Reconciler: finds the changes whose callbacks were lost. Barion gives up on a callback after
// about four minutes, and callbacks get lost (firewalls, deploys, a wrong CallbackUrl). The
// gateway watches every payment it started until the payment is final, polling PaymentState on
// a schedule that backs off (first_check, then doubling up to max_interval) and so stays far
// below Barion's limit of 2 calls per payment per 5 s. Changes it finds become events like any
// other (source RECONCILIATION). The schedule lives in a ReconcileSchedule and survives restarts.
#ifndef BARION_GATEWAY_SERVER_EVENTS_RECONCILER_H_
#define BARION_GATEWAY_SERVER_EVENTS_RECONCILER_H_

#include <string>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "server/events/event_log.h"
#include "server/events/payment_state_fetcher.h"
#include "server/events/reconcile_schedule.h"
#include "server/metrics/pipeline_metrics.h"

namespace barion_gateway::server {

// Starts watching a payment the gateway started: its first check after `first_check`. Errors
// are logged, never returned: a payment that cannot be watched still has Barion's callbacks.
void WatchNewPayment(ReconcileSchedule& schedule, const std::string& shop,
                     const std::string& payment_id, absl::Duration first_check);

class Reconciler {
 public:
  struct Options {
    absl::Duration first_check = absl::Minutes(1);
    absl::Duration max_interval = absl::Hours(1);
    absl::Duration tick = absl::Seconds(1);  // how often due payments are looked for
    int batch = 20;                          // payments checked per tick at most
    absl::Duration fetch_timeout = absl::Seconds(10);
    PipelineMetrics* metrics = nullptr;  // counts checks by result; not owned; may be null
  };

  // None of the pointers is owned; all must outlive the reconciler.
  Reconciler(ReconcileSchedule* schedule, EventLog* log, PaymentStateFetcher* fetcher,
             Options options);
  ~Reconciler();

  // Starts watching a payment the gateway started (WatchNewPayment with first_check).
  void Watch(const std::string& shop, const std::string& payment_id);

  void Start();
  void Stop();  // idempotent; a check in progress finishes first

  // One round at `now`, on the caller's thread. For tests.
  void RunOnce(absl::Time now);

 private:
  void Count(ReconcileOutcome outcome) const;
  ReconcileSchedule* const schedule_;
  EventLog* const log_;
  PaymentStateFetcher* const fetcher_;
  const Options options_;
  std::thread thread_;
  absl::Mutex mu_;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace barion_gateway::server

#endif  // BARION_GATEWAY_SERVER_EVENTS_RECONCILER_H_
