// PaymentEvents: the event log's reads as the gateway performs them for a caller, validated and
// scoped like every other operation. ListPaymentEvents reads a page; SubscribePaymentEvents is
// turned into a ScopedSubscription, the typed request the event hub serves (the RPC layer only
// parses the message and hands the stream to the hub). A caller never reads an event of a shop
// it may not use, whatever it asks for (docs/SECURITY.md, docs/EVENTS.md).
#ifndef BARION_GATEWAY_SERVER_OPERATIONS_PAYMENT_EVENTS_H_
#define BARION_GATEWAY_SERVER_OPERATIONS_PAYMENT_EVENTS_H_

#include <functional>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "barion/v1/payment_event.pb.h"
#include "server/auth/authenticator.h"
#include "server/events/event_cursor.h"
#include "server/events/event_log.h"
#include "server/operations/call.h"

namespace barion_gateway::server {

// A subscription validated and scoped to its caller.
struct ScopedSubscription {
  // The events it may carry: filter.shops holds only shops the caller may read (empty: the
  // caller may read every shop's).
  EventFilter filter;
  // Where it starts: after this cursor (the request's, or the log's beginning for start
  // BEGINNING); unset: from now.
  std::optional<EventCursor> after_cursor;
  // For a stream limited to shops that starts now: the newest event of those shops the hub had
  // seen, the position its start heartbeat reports (docs/EVENTS.md, "Positions of a scoped
  // stream"). Unset otherwise.
  std::optional<EventCursor> scoped_start;
  // Whether the caller's credential may still read it under the policy in force (asked again
  // after a policy reload).
  std::function<bool()> still_allowed;

  // For the audit record: the shops it reads ({"*"}: every shop), and where it starts
  // ("after:<cursor>" or "now").
  std::vector<std::string> scope() const;
  std::string start() const;
};

class PaymentEvents {
 public:
  // `log` and `auth` (the policy in force) are not owned and must outlive this object. `shops`:
  // the configured shop names, which a `shop` filter must name.
  PaymentEvents(EventLog* log, std::set<std::string> shops, const AuthenticatorHolder* auth);

  // A page of events after the request's cursor. PERMISSION_DENIED for a shop the caller may
  // not read; INVALID_ARGUMENT (BadRequest) for a foreign cursor, a page size outside 0-1000, too
  // many or bad filter values; UNAVAILABLE when the store fails.
  absl::StatusOr<barion::v1::ListPaymentEventsResponse> List(
      const barion::v1::ListPaymentEventsRequest& request, const Call& call) const;

  // The subscription the request asks for. `observed_through`: how far the hub has seen the log
  // (EventHub::ObservedThrough), where a stream limited to shops starts. Errors as List, plus
  // INVALID_ARGUMENT for a shop that is not configured or an unknown start, and UNAVAILABLE
  // (EVENT_STORE_UNAVAILABLE) when the scoped start cannot be read.
  absl::StatusOr<ScopedSubscription> Subscribe(
      const barion::v1::SubscribePaymentEventsRequest& request, const Call& call,
      const EventCursor& observed_through) const;

 private:
  EventLog* const log_;
  const std::set<std::string> shops_;
  const AuthenticatorHolder* const auth_;
};

}  // namespace barion_gateway::server

#endif  // BARION_GATEWAY_SERVER_OPERATIONS_PAYMENT_EVENTS_H_
