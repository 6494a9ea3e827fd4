// The callback → event pipeline's metrics (docs/OPERATIONS.md, "Callbacks", "Events",
// "Reconciler"): what the callback listener answered, what processing a receipt led to, how
// long a callback takes to be durable and to become an event, the inbox backlog, the event
// streams, and the reconciler's checks. Gauges that describe the store (backlog, watched
// payments) are set before each scrape. Thread-safe; counting takes no lock.
#ifndef BARION_GATEWAY_SERVER_METRICS_PIPELINE_METRICS_H_
#define BARION_GATEWAY_SERVER_METRICS_PIPELINE_METRICS_H_

#include <cstdint>

#include "absl/time/time.h"
#include "barion/v1/payment_event.pb.h"
#include "prometheus/gauge.h"
#include "prometheus/histogram.h"
#include "prometheus/registry.h"
#include "server/metrics/counter_set.h"

namespace barion_gateway::server {

// What the callback listener answered (barion_gateway_callbacks_received_total{result}).
enum class CallbackReceipt {
  kAccepted,          // recorded durably: 200
  kBadRequest,        // no or a malformed payment id: 400
  kUnknownShop,       // a path naming no configured shop: 404 (source verification)
  kWrongSecret,       // a configured shop with a wrong secret: 404 (source verification)
  kMethodNotAllowed,  // 405
  kNotRecorded,       // the store could not record it: 503, Barion retries
  kSourceRefused,     // from an address outside listen.callback_allowed_sources: 404
  kTlsFailed,         // HTTPS: the TLS handshake failed or did not finish in time; no answer
};

// What processing a receipt led to (barion_gateway_callbacks_processed_total{result}).
enum class CallbackOutcome {
  kEvent,           // the fetched state was new: an event was appended
  kDuplicate,       // the state was known already: no event
  kUnknownPayment,  // Barion does not know the payment: dropped
  kOverBudget,      // an unseen payment over its shop's fetch budget: dropped unfetched
  kFetchFailed,     // Barion could not be asked: retried later
  kStoreError,      // the event store failed: retried later
};

// Which event store operation failed (barion_gateway_event_store_errors_total{operation}).
enum class StoreOperation {
  kAppend,    // appending an event
  kRead,      // reading the log (stream catch-up)
  kInbox,     // recording or taking callback receipts
  kSchedule,  // the reconciler's schedule
};

// What one reconciler check found (barion_gateway_reconciler_checks_total{result}).
enum class ReconcileOutcome {
  kChanged,         // a new state: an event was appended
  kUnchanged,       // nothing new
  kUnknownPayment,  // Barion does not know it: no longer watched
  kFetchFailed,
  kStoreError,
};

class PipelineMetrics {
 public:
  explicit PipelineMetrics(prometheus::Registry& registry);

  // Callbacks.
  void Received(CallbackReceipt receipt) { received_.Add(static_cast<int>(receipt)); }
  // From the request's arrival to its durable record (the 200).
  void Acknowledged(absl::Duration took) { ack_seconds_.Observe(absl::ToDoubleSeconds(took)); }
  void Processed(CallbackOutcome outcome, int receipts = 1) {
    processed_.Add(static_cast<int>(outcome), receipts);
  }
  // From a callback's arrival to the event it caused.
  void CallbackBecameEvent(absl::Duration took) {
    to_event_seconds_.Observe(absl::ToDoubleSeconds(took));
  }
  // Receipts not yet processed, and the age of the oldest (zero without one).
  void SetInbox(int64_t backlog, absl::Duration oldest_age);

  // Events.
  void Appended(barion::v1::EventSource source);
  void SubscriberOpened() { subscribers_.Increment(); }
  void SubscriberClosed() { subscribers_.Decrement(); }
  void Delivered() { delivered_.Increment(); }
  void SubscriberDropped() { dropped_.Increment(); }
  void ReplayRead() { replay_reads_.Increment(); }
  void StoreError(StoreOperation operation) { store_errors_.Add(static_cast<int>(operation)); }

  // Reconciler.
  void Checked(ReconcileOutcome outcome) { checks_.Add(static_cast<int>(outcome)); }
  // Payments watched, and how far past its due time the most overdue check is (zero if none).
  void SetWatched(int64_t watched, absl::Duration oldest_overdue);
  // Whether the store answered the last scrape's reads (barion_gateway_event_store_up).
  void SetStoreUp(bool up) { store_up_.Set(up ? 1 : 0); }

 private:
  CounterSet received_;
  prometheus::Histogram& ack_seconds_;
  CounterSet processed_;
  prometheus::Histogram& to_event_seconds_;
  prometheus::Gauge& inbox_backlog_;
  prometheus::Gauge& inbox_oldest_age_;
  CounterSet appended_;
  prometheus::Gauge& subscribers_;
  prometheus::Counter& delivered_;
  prometheus::Counter& dropped_;
  prometheus::Counter& replay_reads_;
  CounterSet store_errors_;
  CounterSet checks_;
  prometheus::Gauge& watched_;
  prometheus::Gauge& oldest_overdue_;
  prometheus::Gauge& store_up_;
};

}  // namespace barion_gateway::server

#endif  // BARION_GATEWAY_SERVER_METRICS_PIPELINE_METRICS_H_
