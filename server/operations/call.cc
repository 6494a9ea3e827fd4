#include "server/operations/call.h"

#include "absl/time/clock.h"
#include "server/common/errors.h"

namespace barion_gateway::server {

absl::Status CallStillWanted(const Call& call) {
  if (call.cancelled && call.cancelled()) {
    return GatewayErrorStatus(absl::StatusCode::kCancelled, "CALL_CANCELLED",
                              "the call was cancelled before Barion was called", {},
                              CallOutcome::kNotSent);
  }
  if (call.deadline <= absl::Now()) {
    return GatewayErrorStatus(absl::StatusCode::kDeadlineExceeded, "DEADLINE_EXCEEDED",
                              "the call's deadline passed before Barion was called", {},
                              CallOutcome::kNotSent);
  }
  return absl::OkStatus();
}

absl::Status ReadyToSend(const Call& call) {
  if (absl::Status s = CallStillWanted(call); !s.ok()) return s;
  return call.before_barion ? call.before_barion() : absl::OkStatus();
}

}  // namespace barion_gateway::server
