// EventStore: the durable log behind callbacks and payment-event subscriptions
// (docs/EVENTS.md). This is the storage seam only; the callback listener, the state fetcher, the
// streams and the reconciler are built on it.
//
// It holds three things, each durable when a call returns OK:
//   - callback receipts: "Barion said payment X of shop S changed", recorded before the
//     listener answers 200, and marked done once the state was fetched;
//   - the last snapshot seen per payment, to tell a change from a duplicate;
//   - the event log: PaymentEvents with a monotonically increasing cursor. Per payment, the
//     order of events is the order in which the snapshots were appended. Cursors are decimal
//     text of positive integers (opaque to clients; the EventHub compares them as numbers).
// Implementations: SqliteEventStore (embedded, the default). All implementations must pass
// tests/server/event_store_conformance.h.
#ifndef BARION_GATEWAY_SERVER_EVENTS_EVENT_STORE_H_
#define BARION_GATEWAY_SERVER_EVENTS_EVENT_STORE_H_

#include <cstdint>
#include <optional>
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
};

// Whether a payment in `status` can change no more (a later refund still makes an event, via
// the RPC or Barion's callback).
inline bool IsFinalStatus(barion::v1::PaymentStatus status) {
  switch (status) {
    case barion::v1::PAYMENT_STATUS_CANCELED:
    case barion::v1::PAYMENT_STATUS_SUCCEEDED:
    case barion::v1::PAYMENT_STATUS_FAILED:
    case barion::v1::PAYMENT_STATUS_PARTIALLY_SUCCEEDED:
    case barion::v1::PAYMENT_STATUS_EXPIRED:
      return true;
    default:
      return false;
  }
}

// A payment the reconciler watches until it is final.
struct WatchedPayment {
  std::string shop;
  std::string payment_id;
  absl::Time next_check;
  absl::Duration interval;  // the current gap between checks
};

// Which events to read. Empty fields match everything.
struct EventFilter {
  std::string shop;
  std::vector<std::string> payment_ids;
  std::vector<barion::v1::PaymentStatus> statuses;  // the snapshot's status
};

class EventStore {
 public:
  virtual ~EventStore() = default;

  // Durably records that payment `payment_id` of `shop` must be looked at: a Barion callback
  // (source CALLBACK), or a change made through the gateway (source RPC). Returns its id.
  // UNAVAILABLE on storage failure.
  virtual absl::StatusOr<int64_t> RecordCallback(
      const std::string& shop, const std::string& payment_id, absl::Time received_at,
      barion::v1::EventSource source = barion::v1::EVENT_SOURCE_CALLBACK) = 0;
  // The oldest unprocessed callbacks, at most `limit`, oldest first.
  virtual absl::StatusOr<std::vector<PendingCallback>> PendingCallbacks(int limit) = 0;
  // Marks callbacks processed, all or none (one transaction). OK for ids already processed;
  // NOT_FOUND, and nothing marked, when an id is unknown.
  virtual absl::Status CompleteCallbacks(const std::vector<int64_t>& ids) = 0;
  // Deletes processed callbacks received before `before` (the inbox's retention); returns how
  // many. Unprocessed ones are never deleted.
  virtual absl::StatusOr<int64_t> PruneCallbacks(absl::Time before) = 0;
  // Whether the gateway has seen this payment: it has an event for it, or watches it (it started
  // it). Callbacks for other payments are rate-limited before they cost a Barion call.
  virtual absl::StatusOr<bool> KnowsPayment(const std::string& shop,
                                            const std::string& payment_id) = 0;

  // Appends `event` unless its snapshot equals, field for field, the last snapshot appended for
  // the same (shop, payment id). On append the store assigns `cursor` and fills
  // `previous_status`/`previous_status_raw` from that last snapshot, and returns the stored
  // event; returns nullopt when nothing changed. Atomic: concurrent appends for one payment
  // never both see the same "last" snapshot. INVALID_ARGUMENT without shop, payment id or
  // snapshot.
  virtual absl::StatusOr<std::optional<barion::v1::PaymentEvent>> AppendIfChanged(
      barion::v1::PaymentEvent event) = 0;

  // Events with a cursor greater than `after` (0: from the beginning) that match `filter`,
  // in cursor order, at most `limit`. INVALID_ARGUMENT for a cursor that is not one of ours.
  virtual absl::StatusOr<std::vector<barion::v1::PaymentEvent>> ReadAfter(const std::string& after,
                                                                          const EventFilter& filter,
                                                                          int limit) = 0;

  // The cursor of the newest event, or "0" when the log is empty ("start at now").
  virtual absl::StatusOr<std::string> LastCursor() = 0;

  // Whether `cursor` (> 0) was handed out by this store: every store has an identity, created
  // with it and carried in each of its cursors, so a cursor from a replaced or recreated store
  // is refused instead of silently skipping events. "0" (the beginning) belongs to every store.
  virtual bool OwnsCursor(int64_t cursor) const = 0;

  // The reconciler's schedule, durable like the rest.
  // Starts watching a payment (first check at `first_check`); a payment already watched keeps
  // its schedule.
  virtual absl::Status WatchPayment(const std::string& shop, const std::string& payment_id,
                                    absl::Time first_check, absl::Duration interval) = 0;
  // Watched payments whose check is due at `now`, earliest first, at most `limit`.
  virtual absl::StatusOr<std::vector<WatchedPayment>> DueWatchedPayments(absl::Time now,
                                                                         int limit) = 0;
  // Sets the next check. NOT_FOUND when the payment is not watched.
  virtual absl::Status RescheduleWatch(const std::string& shop, const std::string& payment_id,
                                       absl::Time next_check, absl::Duration interval) = 0;
  // Stops watching (the payment is final). OK when it was not watched.
  virtual absl::Status UnwatchPayment(const std::string& shop, const std::string& payment_id) = 0;
};

}  // namespace barion_gateway::server

#endif  // BARION_GATEWAY_SERVER_EVENTS_EVENT_STORE_H_
