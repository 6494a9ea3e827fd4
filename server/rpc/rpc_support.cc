#include "server/rpc/rpc_support.h"

#include <algorithm>
#include <chrono>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "grpc/grpc_security_constants.h"
#include "grpcpp/security/auth_context.h"
#include "server/common/errors.h"
#include "server/common/log.h"
#include "server/common/safe_text.h"
#include "server/rpc/grpc_status.h"

namespace barion_gateway::server {

absl::Time RpcDeadline(const grpc::ServerContextBase& context, absl::Duration default_timeout) {
  const auto deadline = context.deadline();
  const absl::Time fallback = absl::Now() + default_timeout;
  if (deadline == std::chrono::system_clock::time_point::max()) return fallback;
  return std::min(absl::FromChrono(deadline), absl::Now() + absl::Minutes(10));
}

Credentials CredentialsOf(const grpc::ServerContextBase& context) {
  Credentials credentials;
  const std::shared_ptr<const grpc::AuthContext> auth = context.auth_context();
  if (auth != nullptr && auth->IsPeerAuthenticated()) {
    for (const char* property : {GRPC_PEER_URI_PROPERTY_NAME, GRPC_PEER_DNS_PROPERTY_NAME}) {
      for (const grpc::string_ref& value : auth->FindPropertyValues(property)) {
        credentials.certificate_names.emplace_back(value.data(), value.size());
      }
    }
  }
  const auto& metadata = context.client_metadata();
  auto it = metadata.find("authorization");
  if (it != metadata.end()) {
    credentials.has_authorization = true;
    const absl::string_view value(it->second.data(), it->second.size());
    // "Bearer" is case-insensitive (RFC 6750 uses RFC 7235's auth-scheme).
    if (value.size() > 7 && absl::EqualsIgnoreCase(value.substr(0, 7), "Bearer ")) {
      credentials.bearer_token = std::string(absl::StripAsciiWhitespace(value.substr(7)));
    }
  }
  return credentials;
}

absl::StatusOr<Call> CallOf(const grpc::ServerContextBase& context, const RpcEdge& edge,
                            absl::string_view rpc) {
  absl::StatusOr<std::shared_ptr<const Caller>> caller =
      edge.auth->Current()->Authenticate(CredentialsOf(context));
  if (!caller.ok()) return caller.status();
  Call call;
  call.deadline = RpcDeadline(context, edge.default_timeout);
  call.cancelled = [&context] { return context.IsCancelled(); };
  call.caller = *std::move(caller);
  call.method = absl::StrCat("/", edge.service, "/", rpc);
  return call;
}

absl::string_view CallerName(const absl::StatusOr<Call>& call) {
  return call.ok() && call->caller != nullptr ? absl::string_view(call->caller->name) : "-";
}

std::string ShopSubject(absl::string_view shop, absl::string_view payment_id) {
  return absl::StrCat("shop=", shop.empty() ? "-" : SafeText(shop, 64),
                      " payment_id=", payment_id.empty() ? "-" : SafeText(payment_id, 64));
}

grpc::Status FinishRpc(absl::string_view rpc, absl::string_view caller, absl::string_view subject,
                       absl::Time start, const absl::Status& status) {
  if (CallLogging() || !status.ok()) {
    std::string line = absl::StrFormat("rpc=%s caller=%s %s code=%s latency_ms=%.2f", rpc, caller,
                                       subject, absl::StatusCodeToString(status.code()),
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
