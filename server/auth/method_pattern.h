// gRPC method patterns as gRPC's authorization policies (A43) write them: exact, "prefix*",
// "*suffix", or "*".
#ifndef BARION_GATEWAY_SERVER_AUTH_METHOD_PATTERN_H_
#define BARION_GATEWAY_SERVER_AUTH_METHOD_PATTERN_H_

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace barion_gateway::server {

// Whether `method` ("/barion.v1.PaymentService/Refund") matches `pattern`.
bool MethodMatches(absl::string_view pattern, absl::string_view method);

// OK when `pattern` is one of the four forms (no '*' inside, not empty); INVALID_ARGUMENT
// otherwise, without echoing it.
absl::Status ValidateMethodPattern(absl::string_view pattern);

}  // namespace barion_gateway::server

#endif  // BARION_GATEWAY_SERVER_AUTH_METHOD_PATTERN_H_
