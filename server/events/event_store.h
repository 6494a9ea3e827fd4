// EventStore: the three stores of the event pipeline (docs/EVENTS.md) as one object, for a
// backend that keeps them together (SqliteEventStore: one file, one transaction) and for the
// callback processor, which uses all three. Every other part depends on the one it uses:
// CallbackInbox (callback_inbox.h), EventLog (event_log.h), ReconcileSchedule
// (reconcile_schedule.h). The start ledger (start_ledger.h) is separate: the operations layer
// uses it.
#ifndef BARION_GATEWAY_SERVER_EVENTS_EVENT_STORE_H_
#define BARION_GATEWAY_SERVER_EVENTS_EVENT_STORE_H_

#include <cstdint>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "server/events/callback_inbox.h"
#include "server/events/event_log.h"
#include "server/events/reconcile_schedule.h"

namespace barion_gateway::server {

// How much work waits in the stores (for the metrics and readiness).
struct PipelineBacklog {
  int64_t inbox = 0;                                   // receipts not yet processed
  absl::Time oldest_receipt = absl::InfiniteFuture();  // the oldest of them; none: InfiniteFuture
  int64_t watched = 0;                                 // payments the reconciler watches
  absl::Time earliest_check = absl::InfiniteFuture();  // the earliest next check; none: ditto
};

class EventStore : public CallbackInbox, public EventLog, public ReconcileSchedule {
 public:
  // Reads the backlog; UNAVAILABLE when the store cannot be read.
  virtual absl::StatusOr<PipelineBacklog> Backlog() = 0;
};

}  // namespace barion_gateway::server

#endif  // BARION_GATEWAY_SERVER_EVENTS_EVENT_STORE_H_
