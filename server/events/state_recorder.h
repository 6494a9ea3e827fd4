// Turning a payment state fetched from Barion into the event log. Shared by the
// CallbackProcessor (callbacks, RPC-made changes) and the Reconciler (polling).
#ifndef BARION_GATEWAY_SERVER_EVENTS_STATE_RECORDER_H_
#define BARION_GATEWAY_SERVER_EVENTS_STATE_RECORDER_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "barion/v1/payment_service.pb.h"
#include "server/events/event_log.h"
#include "server/events/reconcile_schedule.h"

namespace barion_gateway::server {

// What recording a state did.
struct RecordedState {
  bool final_state = false;  // the payment's state is final: no longer watched
  bool appended = false;     // the state was new: an event was appended
};

// Appends a PaymentEvent for `snapshot` if it differs from the payment's last one, and stops the
// reconciler watching the payment once its state is final. Returns what it did, or the store's
// error (nothing is then known to be recorded). `trace_id` (of the RPC that caused the change;
// may be empty) goes into the log line of the appended event.
absl::StatusOr<RecordedState> RecordObservedState(
    EventLog& log, ReconcileSchedule& schedule, const std::string& shop,
    const std::string& payment_id, barion::v1::GetPaymentStateResponse snapshot,
    barion::v1::EventSource source, absl::Time observed_at, const std::string& trace_id = "");

}  // namespace barion_gateway::server

#endif  // BARION_GATEWAY_SERVER_EVENTS_STATE_RECORDER_H_
