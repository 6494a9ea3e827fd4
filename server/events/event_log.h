// EventLog: the durable, ordered log of PaymentEvents behind ListPaymentEvents and
// SubscribePaymentEvents (docs/EVENTS.md). Each event has an EventCursor handed out by the log;
// per payment, events are in the order their snapshots were appended, and an event is appended
// only when the payment's snapshot changed. Durable when a call returns OK.
// Implementations: SqliteEventStore, postgres::PgEventStore. All pass
// tests/server/events/event_store_conformance.h.
#ifndef BARION_GATEWAY_SERVER_EVENTS_EVENT_LOG_H_
#define BARION_GATEWAY_SERVER_EVENTS_EVENT_LOG_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "barion/v1/payment_event.pb.h"
#include "server/events/event_cursor.h"

namespace barion_gateway::server {

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

// Which events to read. Empty fields match everything.
struct EventFilter {
  // The events of any of these shops; empty: of every shop.
  std::vector<std::string> shops;
  std::vector<std::string> payment_ids;
  std::vector<barion::v1::PaymentStatus> statuses;  // the snapshot's status
};

// Told of every event the log appends (the live hub subscribes this way).
class EventLogObserver {
 public:
  virtual ~EventLogObserver() = default;
  // `event` was durably appended at `cursor`. Calls come one at a time, in cursor order; they
  // must not call back into the log. A log of one process calls before the append returns; a
  // log shared by processes (PostgreSQL) calls from its follower (log_follower.h), for the
  // appends of every process, shortly after they become readable.
  virtual void EventAppended(const EventCursor& cursor, const barion::v1::PaymentEvent& event) = 0;
  // A shared log's follower cannot read the log (once per outage): appends may be waiting that
  // the observer is not told of until it can again. A log of one process never calls it.
  virtual void LogUnavailable() {}
  // How far the observer already knows the log (the hub: its newest cursor, read when it
  // started): a shared log's follower starts after it. The beginning by default.
  virtual EventCursor ObservedThrough() const { return EventCursor(); }
};

class EventLog {
 public:
  virtual ~EventLog() = default;

  // Sets the one observer of appends (not owned; must outlive the log's use). Call before the
  // first append; null removes it.
  virtual void SetObserver(EventLogObserver* observer) = 0;

  // Appends `event` unless its snapshot equals, field for field, the last snapshot appended for
  // the same (shop, payment id). On append the log assigns the cursor (text in `cursor`) and
  // fills `previous_status`/`previous_status_raw` from that last snapshot, tells the observer,
  // and returns the stored event; returns nullopt when nothing changed. Atomic: concurrent
  // appends for one payment never both see the same "last" snapshot. INVALID_ARGUMENT without
  // shop, payment id or snapshot.
  virtual absl::StatusOr<std::optional<barion::v1::PaymentEvent>> AppendIfChanged(
      barion::v1::PaymentEvent event) = 0;

  // Events after `after` that match `filter`, in cursor order, at most `limit`.
  // INVALID_ARGUMENT for a cursor the log does not own.
  virtual absl::StatusOr<std::vector<barion::v1::PaymentEvent>> ReadAfter(const EventCursor& after,
                                                                          const EventFilter& filter,
                                                                          int limit) = 0;

  // The cursor of the newest event, or the beginning when the log is empty ("start at now").
  virtual absl::StatusOr<EventCursor> LastCursor() = 0;

  // The cursor of the newest event of one of `shops` (not empty) at or before `at_most`, or the
  // beginning when there is none: where a stream limited to those shops may say it stands
  // without telling how much other shops did.
  virtual absl::StatusOr<EventCursor> LastCursorOf(const std::vector<std::string>& shops,
                                                   const EventCursor& at_most) = 0;

  // Whether `cursor` was handed out by this log: every log has an identity, created with it
  // and carried in each of its cursors, so a cursor from a replaced or recreated log is refused
  // instead of silently skipping events. The beginning belongs to every log.
  virtual bool Owns(const EventCursor& cursor) const = 0;
};

}  // namespace barion_gateway::server

#endif  // BARION_GATEWAY_SERVER_EVENTS_EVENT_LOG_H_
