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
#include "server/grpc_status/grpc_status.h"

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

absl::StatusOr<Call> CallOf(const grpc::ServerContextBase& context, const RpcEdge& edge, Rpc rpc,
                            std::string trace_id) {
  absl::StatusOr<std::shared_ptr<const Caller>> caller =
      edge.auth->Current()->Authenticate(CredentialsOf(context));
  if (!caller.ok()) return caller.status();
  Call call;
  call.deadline = RpcDeadline(context, edge.default_timeout);
  call.cancelled = [&context] { return context.IsCancelled(); };
  call.caller = *std::move(caller);
  call.method = MethodOf(rpc).full_name;
  call.trace_id = std::move(trace_id);
  return call;
}

absl::string_view CallerName(const absl::StatusOr<Call>& call) {
  return call.ok() && call->caller != nullptr ? absl::string_view(call->caller->name) : "-";
}

AuditRecord AuditRecordOf(const RpcEdge& edge, Rpc rpc, const grpc::ServerContextBase& context,
                          absl::string_view trace_id, const absl::StatusOr<Call>& call,
                          const AuditSubject& subject) {
  AuditRecord record;
  record.time = absl::Now();
  record.caller = std::string(CallerName(call));
  record.authenticated_by =
      call.ok() && call->caller != nullptr ? call->caller->authenticated_by : "none";
  record.peer = context.peer();
  record.method = call.ok() ? call->method : MethodOf(rpc).full_name;
  record.trace_id = std::string(trace_id);
  if (!call.ok()) {  // not authenticated: none of the request's values
    record.unauthenticated = true;
    return record;
  }
  record.shop = subject.shop;
  record.wallet = subject.wallet;
  record.webhook_endpoint = subject.webhook_endpoint;
  record.payment_id = subject.payment_id;
  record.payment_request_id = subject.payment_request_id;
  record.amounts = subject.amounts;
  record.currency = subject.currency;
  return record;
}

void AuditCall(const RpcEdge& edge, AuditRecord record, const absl::Status& status, Audited kind) {
  if (edge.audit == nullptr) return;
  record.code = absl::StatusCodeToString(status.code());
  ErrorFacts facts = FactsOf(status);
  record.barion_errors = std::move(facts.barion_codes);
  record.reason = std::move(facts.reason);
  record.outcome = std::string(CallOutcomeName(facts.outcome));
  edge.audit
      ->Record(record, kind == Audited::kMovesMoney ? AuditLog::Durability::kSynced
                                                    : AuditLog::Durability::kQueued)
      .IgnoreError();  // a lost record is counted by the log (barion_gateway_audit_*)
}

absl::Status AuditIntent(const RpcEdge& edge, AuditRecord record) {
  if (edge.audit == nullptr) return absl::OkStatus();
  record.phase = "intent";
  if (edge.audit->Record(record, AuditLog::Durability::kSynced).ok()) return absl::OkStatus();
  return GatewayErrorStatus(absl::StatusCode::kUnavailable, "AUDIT_UNAVAILABLE",
                            "the audit log cannot be written, so no money-moving call is sent to "
                            "Barion; the operator must free the audit log's disk",
                            {}, CallOutcome::kNotSent);
}

const RpcMethodMetrics* MethodMetrics(const RpcEdge& edge, Rpc rpc) {
  return edge.metrics == nullptr ? nullptr : &edge.metrics->For(rpc);
}

void CountRpcStarted(const RpcEdge& edge, Rpc rpc) {
  if (const RpcMethodMetrics* method = MethodMetrics(edge, rpc); method != nullptr) {
    method->Started();
  }
}

void CountRpcHandled(const RpcEdge& edge, Rpc rpc, absl::Time start, const absl::Status& status) {
  if (const RpcMethodMetrics* method = MethodMetrics(edge, rpc); method != nullptr) {
    method->Handled(status.code(), absl::Now() - start);
  }
  if (edge.operations == nullptr || (status.code() != absl::StatusCode::kUnauthenticated &&
                                     status.code() != absl::StatusCode::kPermissionDenied)) {
    return;
  }
  const ErrorFacts facts = FactsOf(status);
  if (!facts.reason.empty()) edge.operations->Denied(facts.reason);
}

LogFields ShopSubject(absl::string_view shop, absl::string_view payment_id) {
  return {{"shop", shop.empty() ? "-" : SafeText(shop, 64)},
          {"payment_id", payment_id.empty() ? "-" : SafeText(payment_id, 64)}};
}

grpc::Status FinishRpc(Rpc rpc, absl::string_view caller, absl::string_view trace_id,
                       LogFields subject, absl::Time start, const absl::Status& status) {
  if (CallLogging() || !status.ok()) {
    LogFields fields = {{"rpc", MethodOf(rpc).name}, {"caller", std::string(caller)}};
    for (LogField& field : subject) fields.push_back(std::move(field));
    fields.push_back({"code", absl::StatusCodeToString(status.code())});
    fields.push_back(NumberField("duration_ms", absl::ToDoubleMilliseconds(absl::Now() - start)));
    const ErrorFacts facts = FactsOf(status);
    const std::string& reason =
        facts.barion_codes.empty() ? facts.reason : facts.barion_codes.front();
    if (!reason.empty()) fields.push_back({"reason", SafeText(reason, 64)});
    fields.push_back({"trace_id", std::string(trace_id)});
    const bool info = status.ok() || status.code() == absl::StatusCode::kInvalidArgument ||
                      status.code() == absl::StatusCode::kNotFound ||
                      status.code() == absl::StatusCode::kFailedPrecondition;
    if (status.ok()) {
      LogInfo("call", fields);
    } else {
      // Refused calls are a client's to cause at will: limited per RPC and code.
      LogLimited(info ? LogLevel::kInfo : LogLevel::kWarn,
                 absl::StrCat("rpc=", MethodOf(rpc).name,
                              " code=", absl::StatusCodeToString(status.code())),
                 "call", fields);
    }
  }
  return ToGrpcStatus(status);
}

grpc::ServerUnaryReactor* RunOnExecutor(CallExecutor& executor, const RpcEdge& edge, Rpc rpc,
                                        grpc::CallbackServerContext* context,
                                        std::function<grpc::Status()> serve) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  if (executor.Run([reactor, serve = std::move(serve)] { reactor->Finish(serve()); })) {
    return reactor;
  }
  const absl::Time start = absl::Now();
  CountRpcStarted(edge, rpc);
  const absl::Status status = GatewayErrorStatus(
      absl::StatusCode::kResourceExhausted, "CALLS_EXHAUSTED",
      "the gateway has as many calls in flight as listen.max_concurrent_calls allows; nothing "
      "was sent to Barion, retry later",
      {}, CallOutcome::kNotSent);
  CountRpcHandled(edge, rpc, start, status);
  reactor->Finish(FinishRpc(rpc, "-", "-", {}, start, status));
  return reactor;
}

}  // namespace barion_gateway::server
