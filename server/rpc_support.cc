#include "server/rpc_support.h"

#include <algorithm>
#include <chrono>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "server/errors.h"
#include "server/log.h"

namespace barion_gateway::server {

absl::Time RpcDeadline(const grpc::ServerContext& context, absl::Duration default_timeout) {
  const auto deadline = context.deadline();
  const absl::Time fallback = absl::Now() + default_timeout;
  if (deadline == std::chrono::system_clock::time_point::max()) return fallback;
  return std::min(absl::FromChrono(deadline), absl::Now() + absl::Minutes(10));
}

grpc::Status FinishRpc(absl::string_view rpc, absl::string_view subject, absl::Time start,
                       const absl::Status& status) {
  if (CallLogging() || !status.ok()) {
    std::string line = absl::StrFormat("rpc=%s %s code=%s latency_ms=%.2f", rpc, subject,
                                       absl::StatusCodeToString(status.code()),
                                       absl::ToDoubleMilliseconds(absl::Now() - start));
    const std::vector<std::string> reasons = ErrorReasons(status);
    if (!reasons.empty()) absl::StrAppend(&line, " reason=", reasons.front());
    if (status.ok() || status.code() == absl::StatusCode::kInvalidArgument ||
        status.code() == absl::StatusCode::kNotFound ||
        status.code() == absl::StatusCode::kFailedPrecondition) {
      LogInfo(line);
    } else {
      LogWarning(line);
    }
  }
  return ToGrpcStatus(status);
}

}  // namespace barion_gateway::server
