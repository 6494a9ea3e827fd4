#include "server/barion/http_transport.h"

#include <string>

#include "absl/strings/cord.h"

namespace barion_gateway::server {
namespace {

// The failure travels with the status as one byte, written and read only here.
constexpr char kPayloadUrl[] = "barion-gateway/transport-failure";

}  // namespace

absl::Status TransportError(TransportFailure failure, absl::string_view message) {
  absl::StatusCode code = absl::StatusCode::kUnavailable;
  if (failure == TransportFailure::kTimeout || failure == TransportFailure::kTimeoutNotSent) {
    code = absl::StatusCode::kDeadlineExceeded;
  } else if (failure == TransportFailure::kBusy) {
    code = absl::StatusCode::kResourceExhausted;
  }
  absl::Status status(code, message);
  status.SetPayload(kPayloadUrl, absl::Cord(std::string(1, static_cast<char>(failure))));
  return status;
}

TransportFailure TransportFailureOf(const absl::Status& status) {
  const absl::optional<absl::Cord> payload = status.GetPayload(kPayloadUrl);
  if (payload.has_value() && payload->size() == 1) {
    const int value = static_cast<unsigned char>(std::string(*payload)[0]);
    if (value <= static_cast<int>(TransportFailure::kBusy)) {
      return static_cast<TransportFailure>(value);
    }
  }
  return status.code() == absl::StatusCode::kDeadlineExceeded ? TransportFailure::kTimeout
                                                              : TransportFailure::kReset;
}

}  // namespace barion_gateway::server
