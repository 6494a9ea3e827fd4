// The facts of an error that the gateway itself acts on: what became of the call (CallOutcome),
// the gateway's reason, Barion's error codes. They are typed where the error is made (the
// constructors of errors.h and UpstreamError::ToStatus attach them) and travel with the
// absl::Status beside its google.rpc details, so that the RPC edge's audit record, metrics and
// log line read typed values: the google.rpc details are written once, for the caller, and never
// read back by the gateway. The facts never go on the wire (ToWireError sends only the details).
#ifndef BARION_GATEWAY_SERVER_COMMON_ERROR_FACTS_H_
#define BARION_GATEWAY_SERVER_COMMON_ERROR_FACTS_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace barion_gateway::server {

// What became of a call (the audit record's `outcome`, docs/SECURITY.md#audit-log; the
// `outcome` metadata of docs/ERRORS.md for the upstream ones).
enum class CallOutcome {
  kOk,
  kDenied,         // not authenticated, or not allowed
  kInvalid,        // the request was refused as invalid
  kNotSent,        // nothing reached Barion: safe to retry
  kUnknown,        // a mutation may or may not have taken effect at Barion
  kRejected,       // Barion (or the path) refused it: nothing happened
  kNotApplicable,  // a read failed: nothing could have happened
  kFailed,         // anything else
};

// "ok", "denied", "invalid", "not_sent", "unknown", "rejected", "not_applicable", "failed".
absl::string_view CallOutcomeName(CallOutcome outcome);

struct ErrorFacts {
  CallOutcome outcome = CallOutcome::kFailed;
  std::string reason;                     // the gateway's reason (PAYEE_NOT_ALLOWED); "" for none
  std::vector<std::string> barion_codes;  // Barion's ErrorCodes, in order
};

// `status` with `facts` attached. Precondition: !status.ok().
absl::Status WithFacts(absl::Status status, const ErrorFacts& facts);

// The facts `status` carries. OK: outcome kOk. A status made without them (a store's plain
// error): outcome by its code alone (UNAUTHENTICATED: kDenied, INVALID_ARGUMENT: kInvalid, else
// kFailed), no reason, no Barion codes.
ErrorFacts FactsOf(const absl::Status& status);

}  // namespace barion_gateway::server

#endif  // BARION_GATEWAY_SERVER_COMMON_ERROR_FACTS_H_
