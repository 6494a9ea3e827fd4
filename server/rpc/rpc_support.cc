#include "server/rpc/rpc_support.h"

#include <algorithm>
#include <chrono>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "server/common/errors.h"
#include "server/common/log.h"
#include "server/common/safe_text.h"
#include "server/rpc/grpc_status.h"

namespace barion_gateway::server {

absl::Time RpcDeadline(const grpc::ServerContext& context, absl::Duration default_timeout) {
  const auto deadline = context.deadline();
  const absl::Time fallback = absl::Now() + default_timeout;
  if (deadline == std::chrono::system_clock::time_point::max()) return fallback;
  return std::min(absl::FromChrono(deadline), absl::Now() + absl::Minutes(10));
}

Call CallOf(const grpc::ServerContext& context, absl::Duration default_timeout) {
  Call call;
  call.deadline = RpcDeadline(context, default_timeout);
  call.cancelled = [&context] { return context.IsCancelled(); };
  return call;
}

std::string ShopSubject(absl::string_view shop, absl::string_view payment_id) {
  return absl::StrCat("shop=", shop.empty() ? "-" : SafeText(shop, 64),
                      " payment_id=", payment_id.empty() ? "-" : SafeText(payment_id, 64));
}

grpc::Status FinishRpc(absl::string_view rpc, absl::string_view subject, absl::Time start,
                       const absl::Status& status) {
  if (CallLogging() || !status.ok()) {
    std::string line = absl::StrFormat("rpc=%s %s code=%s latency_ms=%.2f", rpc, subject,
                                       absl::StatusCodeToString(status.code()),
                                       absl::ToDoubleMilliseconds(absl::Now() - start));
    const std::vector<std::string> reasons = ErrorReasons(status);
    if (!reasons.empty()) absl::StrAppend(&line, " reason=", SafeText(reasons.front(), 64));
    const bool info = status.ok() || status.code() == absl::StatusCode::kInvalidArgument ||
                      status.code() == absl::StatusCode::kNotFound ||
                      status.code() == absl::StatusCode::kFailedPrecondition;
    if (status.ok()) {
      LogInfo(line);
    } else {
      // Refused calls are a client's to cause at will: limited per RPC and code.
      LogLimited(info ? "INFO" : "WARN",
                 absl::StrCat("rpc=", rpc, " code=", absl::StatusCodeToString(status.code())),
                 line);
    }
  }
  return ToGrpcStatus(status);
}

}  // namespace barion_gateway::server
