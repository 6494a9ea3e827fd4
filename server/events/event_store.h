// EventStore: the three stores of the event pipeline (docs/EVENTS.md) as one object, for a
// backend that keeps them together (SqliteEventStore: one file, one transaction) and for the
// callback processor, which uses all three. Every other part depends on the one it uses:
// CallbackInbox (callback_inbox.h), EventLog (event_log.h), ReconcileSchedule
// (reconcile_schedule.h). The start ledger (start_ledger.h) is separate: the operations layer
// uses it.
#ifndef BARION_GATEWAY_SERVER_EVENTS_EVENT_STORE_H_
#define BARION_GATEWAY_SERVER_EVENTS_EVENT_STORE_H_

#include "server/events/callback_inbox.h"
#include "server/events/event_log.h"
#include "server/events/reconcile_schedule.h"

namespace barion_gateway::server {

class EventStore : public CallbackInbox, public EventLog, public ReconcileSchedule {};

}  // namespace barion_gateway::server

#endif  // BARION_GATEWAY_SERVER_EVENTS_EVENT_STORE_H_
