// What every RPC of the gateway does at the edge: who is calling (the credentials of the gRPC
// context, authenticated), the Call its operation gets (deadline, cancellation, caller, method),
// and one epilogue (a log line, the status conversion) for all three services.
#ifndef BARION_GATEWAY_SERVER_RPC_RPC_SUPPORT_H_
#define BARION_GATEWAY_SERVER_RPC_RPC_SUPPORT_H_

#include <functional>
#include <string>
#include <type_traits>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "grpcpp/server_context.h"
#include "grpcpp/support/server_callback.h"
#include "grpcpp/support/status.h"
#include "server/api/rpc.h"
#include "server/audit/audit_log.h"
#include "server/auth/authenticator.h"
#include "server/common/log.h"
#include "server/metrics/operation_metrics.h"
#include "server/metrics/rpc_metrics.h"
#include "server/operations/call.h"
#include "server/rpc/audit_subject.h"
#include "server/rpc/call_executor.h"
#include "server/rpc/trace_context.h"

namespace barion_gateway::server {

// What a service's RPCs share at the edge.
struct RpcEdge {
  // The policy in force. Not owned; must outlive the service.
  const AuthenticatorHolder* auth = nullptr;
  // Bounds the upstream call when the caller set no gRPC deadline.
  absl::Duration default_timeout = absl::Seconds(60);
  // Where audited calls are recorded; null: nowhere. Not owned.
  AuditLog* audit = nullptr;
  // The RPC metrics; null: none. Not owned.
  const RpcMetrics* metrics = nullptr;
  // Counts calls refused for their caller (barion_gateway_auth_denials_total); null: not
  // counted. Not owned.
  OperationMetrics* operations = nullptr;
};

// The series of `rpc`; null without metrics.
const RpcMethodMetrics* MethodMetrics(const RpcEdge& edge, Rpc rpc);

// Counts the call `rpc` as started; CountRpcHandled counts it as handled with `status`'s code
// and its duration since `start`, and a refusal for its caller (UNAUTHENTICATED,
// PERMISSION_DENIED with a reason of the gateway's domain) by that reason.
void CountRpcStarted(const RpcEdge& edge, Rpc rpc);
void CountRpcHandled(const RpcEdge& edge, Rpc rpc, absl::Time start, const absl::Status& status);

// The call's gRPC deadline, or now + `default_timeout` without one; at most 10 minutes away.
absl::Time RpcDeadline(const grpc::ServerContextBase& context, absl::Duration default_timeout);

// What the call presents: the verified client certificate's URI and DNS SANs (peer_uri, then
// peer_dns, of the TLS auth context), and its `authorization` header.
Credentials CredentialsOf(const grpc::ServerContextBase& context);

// The operation's view of the call `rpc`: its caller, authenticated by the
// policy in force (UNAUTHENTICATED with the reason when it is not), RpcDeadline, the context's
// cancellation, the full method name and `trace_id` (StartTrace's).
absl::StatusOr<Call> CallOf(const grpc::ServerContextBase& context, const RpcEdge& edge, Rpc rpc,
                            std::string trace_id);

// Logs one line for the call (always for failures, for successes when CallLogging() is on)
// with the fields rpc, caller, SUBJECT, code, duration_ms, [reason], trace_id, where `subject`
// names what the call was about (shop, payment_id, ...), then converts `status` for gRPC.
// `caller` is "-" when none was authenticated.
grpc::Status FinishRpc(Rpc rpc, absl::string_view caller, absl::string_view trace_id,
                       LogFields subject, absl::Time start, const absl::Status& status);

// The name of `call`'s caller for a log line, "-" without one.
absl::string_view CallerName(const absl::StatusOr<Call>& call);

// How a call is audited (docs/SECURITY.md#audit-log). Every call is.
enum class Audited {
  // One record when the call ends, queued: the answer does not wait for the disk.
  kRead,
  // An intent record, written and synced right before Barion is called (when the audit log
  // cannot take it, the call fails with UNAVAILABLE, reason AUDIT_UNAVAILABLE, and nothing is
  // sent), and the record of how it ended, synced before the answer goes out.
  kMovesMoney,
};

// The audit record of the call `rpc` about `subject`: who called (caller, how authenticated,
// the peer's address), the method, the trace id. A call that was not authenticated gets a small
// record: none of the request's values (they are anybody's), only method, peer and outcome.
AuditRecord AuditRecordOf(const RpcEdge& edge, Rpc rpc, const grpc::ServerContextBase& context,
                          absl::string_view trace_id, const absl::StatusOr<Call>& call,
                          const AuditSubject& subject);

// Records how the call of `record` ended with `status`: the gRPC code, Barion's error codes,
// the gateway's reason and the outcome ("ok", "denied", "invalid", "not_sent", "unknown",
// "rejected", "failed"). With kMovesMoney (a call whose intent was written: it reached
// Barion) waits until the record is durable; when it cannot be, the answer still goes out (Barion
// has acted: withholding the answer would invite a blind retry) and the loss is counted. No-op
// without an audit log.
void AuditCall(const RpcEdge& edge, AuditRecord record, const absl::Status& status, Audited kind);

// Writes and syncs `record` as the intent of a money-moving call. UNAVAILABLE with reason
// AUDIT_UNAVAILABLE and outcome not_sent when the audit log cannot take it.
absl::Status AuditIntent(const RpcEdge& edge, AuditRecord record);

// shop and payment_id, client values escaped and cut; "-" for empty ones.
LogFields ShopSubject(absl::string_view shop, absl::string_view payment_id);

// The whole of a unary RPC: authenticates (CallOf), runs `operation(call)` (returning
// absl::StatusOr<Response>; the operation authorizes), moves its answer into `response`, audits
// it as `kind` says with `audit(response)` (a function of the response returning its
// AuditSubject; for the intent record it gets an empty response), and finishes with FinishRpc;
// `subject(response)` is computed after the call, so it may name what the answer holds.
template <typename Response, typename Operation, typename Subject, typename Audit>
grpc::Status ServeUnary(const RpcEdge& edge, Rpc rpc, grpc::ServerContextBase& context,
                        Operation&& operation, Subject&& subject, Response* response, Audit&& audit,
                        Audited kind = Audited::kRead) {
  const absl::Time start = absl::Now();
  CountRpcStarted(edge, rpc);
  const std::string trace_id = StartTrace(context);
  absl::StatusOr<Call> call = CallOf(context, edge, rpc, trace_id);
  // Whether the call got as far as Barion: only then must its result be durable before the
  // answer (a refused or invalid call moved nothing).
  bool intended = false;
  if (call.ok() && kind == Audited::kMovesMoney && edge.audit != nullptr) {
    call->before_barion = [&] {
      absl::Status s =
          AuditIntent(edge, AuditRecordOf(edge, rpc, context, trace_id, call, audit(Response())));
      intended = s.ok();
      return s;
    };
  }
  absl::StatusOr<Response> result = call.ok() ? operation(*call) : call.status();
  if (result.ok()) *response = *std::move(result);
  CountRpcHandled(edge, rpc, start, result.status());
  AuditCall(edge, AuditRecordOf(edge, rpc, context, trace_id, call, audit(*response)),
            result.status(), intended ? Audited::kMovesMoney : Audited::kRead);
  return FinishRpc(rpc, CallerName(call), trace_id, subject(*response), start, result.status());
}

// A unary RPC of the callback API: runs `serve` (a ServeUnary, say) on `executor` and finishes
// the call with the status it returns. When the executor already has its maximum of calls in
// flight, the call ends at once with RESOURCE_EXHAUSTED, reason CALLS_EXHAUSTED and metadata
// outcome=not_sent (nothing reached Barion: safe to retry), counted and logged (through the
// limiter) like any refused call.
grpc::ServerUnaryReactor* RunOnExecutor(CallExecutor& executor, const RpcEdge& edge, Rpc rpc,
                                        grpc::CallbackServerContext* context,
                                        std::function<grpc::Status()> serve);

}  // namespace barion_gateway::server

#endif  // BARION_GATEWAY_SERVER_RPC_RPC_SUPPORT_H_
