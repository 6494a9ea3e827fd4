// CallbackInbox: the durable record of "payment X of shop S must be looked at": Barion's
// callbacks (recorded before the listener answers 200) and changes made through the gateway's
// RPCs, until the callback processor has fetched the payment's state. Durable when a call
// returns OK. Implementations: SqliteEventStore, postgres::PgEventStore. All pass
// tests/server/events/event_store_conformance.h.
#ifndef BARION_GATEWAY_SERVER_EVENTS_CALLBACK_INBOX_H_
#define BARION_GATEWAY_SERVER_EVENTS_CALLBACK_INBOX_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "barion/v1/payment_event.pb.h"

namespace barion_gateway::server {

// A recorded callback (or another reason to look at a payment) not yet processed.
struct PendingCallback {
  int64_t id = 0;
  std::string shop;
  std::string payment_id;
  absl::Time received_at;
  barion::v1::EventSource source = barion::v1::EVENT_SOURCE_CALLBACK;
  std::string trace_id;  // of the RPC that made the change (source RPC); else empty
};

class CallbackInbox {
 public:
  virtual ~CallbackInbox() = default;

  // Durably records that payment `payment_id` of `shop` must be looked at: a Barion callback
  // (source CALLBACK), or a change made through the gateway (source RPC, with the trace id of
  // the call that made it, kept for the log lines of the event it causes). Returns its id.
  // UNAVAILABLE on storage failure.
  virtual absl::StatusOr<int64_t> RecordCallback(
      const std::string& shop, const std::string& payment_id, absl::Time received_at,
      barion::v1::EventSource source = barion::v1::EVENT_SOURCE_CALLBACK,
      const std::string& trace_id = "") = 0;
  // The oldest unprocessed callbacks, at most `limit`, oldest first. A store that replicas
  // share claims them for this replica for a lease (renewed by its next call): the others are
  // not given them, nor other receipts of their payments, until it ends (PgEventStore).
  virtual absl::StatusOr<std::vector<PendingCallback>> PendingCallbacks(int limit) = 0;
  // Marks callbacks processed, all or none (one transaction). OK for ids already processed;
  // NOT_FOUND, and nothing marked, when an id is unknown.
  virtual absl::Status CompleteCallbacks(const std::vector<int64_t>& ids) = 0;
  // Deletes processed callbacks received before `before` (the inbox's retention); returns how
  // many. Unprocessed ones are never deleted.
  virtual absl::StatusOr<int64_t> PruneCallbacks(absl::Time before) = 0;
  // Whether callbacks for this payment are expected: the gateway has an event for it, or
  // watches it (it started it). Callbacks for other payments are rate-limited before they cost
  // a Barion call.
  virtual absl::StatusOr<bool> KnowsPayment(const std::string& shop,
                                            const std::string& payment_id) = 0;
};

}  // namespace barion_gateway::server

#endif  // BARION_GATEWAY_SERVER_EVENTS_CALLBACK_INBOX_H_
