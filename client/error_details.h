// ErrorDetails: what a failed call of the client library carries besides its code and message
// (the google.rpc details the gateway sends), decoded so that callers can switch on them.
#ifndef BARION_GATEWAY_CLIENT_ERROR_DETAILS_H_
#define BARION_GATEWAY_CLIENT_ERROR_DETAILS_H_

#include <map>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace barion_gateway::client {

// The serialized google.rpc.Status of a gRPC error travels with the absl::Status under this URL.
inline constexpr absl::string_view kDetailsUrl = "type.googleapis.com/google.rpc.Status";

// One google.rpc.ErrorInfo: Barion's error (domain "barion.com", reason = Barion's ErrorCode) or
// the gateway's (domain "barion-grpc-gateway", e.g. UPSTREAM_TIMEOUT with metadata "outcome").
struct ErrorInfo {
  std::string domain;
  std::string reason;
  std::map<std::string, std::string> metadata;
};

// One google.rpc.BadRequest field violation, in proto terms ("transactions[0].total").
struct FieldViolation {
  std::string field;
  std::string description;
};

// What a failed call carries besides its code and message.
struct ErrorDetails {
  std::vector<ErrorInfo> errors;
  std::vector<FieldViolation> violations;
  // The first ErrorInfo's reason, or "".
  std::string reason() const { return errors.empty() ? "" : errors.front().reason; }
  // The metadata `key` of the first ErrorInfo that has it, or "".
  std::string metadata(const std::string& key) const;
};

// The details of a status returned by this library (empty for other statuses).
ErrorDetails DetailsOf(const absl::Status& status);

// Whether a failed mutation certainly did not reach Barion (the gateway said outcome
// "not_sent"), so that sending it again cannot apply it twice.
bool NotSent(const absl::Status& status);

}  // namespace barion_gateway::client

#endif  // BARION_GATEWAY_CLIENT_ERROR_DETAILS_H_
