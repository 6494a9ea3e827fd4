#include "server/auth/method_pattern.h"

#include "absl/strings/match.h"

namespace barion_gateway::server {

bool MethodMatches(absl::string_view pattern, absl::string_view method) {
  if (pattern == "*") return true;
  if (absl::EndsWith(pattern, "*")) {
    return absl::StartsWith(method, pattern.substr(0, pattern.size() - 1));
  }
  if (absl::StartsWith(pattern, "*")) return absl::EndsWith(method, pattern.substr(1));
  return pattern == method;
}

absl::Status ValidateMethodPattern(absl::string_view pattern) {
  if (pattern.empty()) return absl::InvalidArgumentError("is empty");
  if (pattern == "*") return absl::OkStatus();
  absl::string_view inner = pattern;
  if (absl::StartsWith(inner, "*")) {
    inner.remove_prefix(1);
  } else if (absl::EndsWith(inner, "*")) {
    inner.remove_suffix(1);
  }
  if (inner.find('*') != absl::string_view::npos) {
    return absl::InvalidArgumentError(
        "may hold '*' only as its first or last character, or be \"*\" alone");
  }
  if (!absl::StartsWith(pattern, "*") && !absl::StartsWith(pattern, "/")) {
    return absl::InvalidArgumentError(
        "must be a full method name such as /barion.v1.PaymentService/Refund, or start or end "
        "with '*'");
  }
  return absl::OkStatus();
}

}  // namespace barion_gateway::server
