// Call: what an operation knows of the call that asked for it. The RPC edge fills it from the
// gRPC context (deadline, cancellation, the authenticated caller, the gRPC method); the gateway's
// own work (the callback processor's fetches) runs as GatewayCaller().
#ifndef BARION_GATEWAY_SERVER_OPERATIONS_CALL_H_
#define BARION_GATEWAY_SERVER_OPERATIONS_CALL_H_

#include <functional>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "server/auth/caller.h"

namespace barion_gateway::server {

struct Call {
  // When the caller stops waiting; also the deadline of the Barion call.
  absl::Time deadline = absl::InfiniteFuture();
  // Whether the caller has cancelled; null: it cannot.
  std::function<bool()> cancelled;
  // Who is calling; null: nobody was authenticated, and every operation is denied.
  std::shared_ptr<const Caller> caller;
  // The gRPC full method name ("/barion.v1.PaymentService/Refund") the caller is authorized
  // for.
  std::string method;
  // The W3C trace id of the call (from the caller's traceparent, or made by the gateway), for
  // log lines, also those of the events the call causes; empty for the gateway's own work.
  std::string trace_id;
  // Run by ReadyToSend right before a mutation is sent to Barion, after the request was
  // authorized and validated: the audit log's intent record (docs/SECURITY.md#audit-log). A
  // non-OK status stops the operation, and nothing is sent. Null: nothing to run.
  std::function<absl::Status()> before_barion;
};

// OK while the caller still wants the answer; CANCELLED when it cancelled, DEADLINE_EXCEEDED
// when its deadline passed (both with outcome "not_sent": checked before Barion is called, so
// work a caller gave up on never becomes a Barion call).
absl::Status CallStillWanted(const Call& call);

// What every mutation passes right before Barion is called: CallStillWanted, then the call's
// before_barion (whose refusal is returned as it is).
absl::Status ReadyToSend(const Call& call);

}  // namespace barion_gateway::server

#endif  // BARION_GATEWAY_SERVER_OPERATIONS_CALL_H_
