// What every RPC of the gateway does at the edge: the Call its operation gets (deadline,
// cancellation), and one epilogue (a log line, the status conversion) for all three services.
#ifndef BARION_GATEWAY_SERVER_RPC_RPC_SUPPORT_H_
#define BARION_GATEWAY_SERVER_RPC_RPC_SUPPORT_H_

#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "grpcpp/server_context.h"
#include "grpcpp/support/status.h"
#include "server/operations/call.h"

namespace barion_gateway::server {

// The call's gRPC deadline, or now + `default_timeout` without one; at most 10 minutes away.
absl::Time RpcDeadline(const grpc::ServerContext& context, absl::Duration default_timeout);

// The operation's view of the call: RpcDeadline, and the context's cancellation.
Call CallOf(const grpc::ServerContext& context, absl::Duration default_timeout);

// Logs one line for the call (always for failures, for successes when CallLogging() is on):
// "rpc=NAME SUBJECT code=... latency_ms=... [reason=...]", where `subject` names what the call
// was about ("shop=web payment_id=..."), then converts `status` for gRPC.
grpc::Status FinishRpc(absl::string_view rpc, absl::string_view subject, absl::Time start,
                       const absl::Status& status);

// "shop=web payment_id=...", client values escaped and cut; "-" for empty ones.
std::string ShopSubject(absl::string_view shop, absl::string_view payment_id);

// The whole of a unary RPC: runs `operation(call)` (returning absl::StatusOr<Response>), moves
// its answer into `response`, and finishes with FinishRpc; `subject(response)` is computed
// after the call, so it may name what the answer holds.
template <typename Response, typename Operation, typename Subject>
grpc::Status ServeUnary(absl::string_view rpc, const grpc::ServerContext& context,
                        absl::Duration default_timeout, Operation&& operation, Subject&& subject,
                        Response* response) {
  const absl::Time start = absl::Now();
  absl::StatusOr<Response> result = operation(CallOf(context, default_timeout));
  if (result.ok()) *response = *std::move(result);
  return FinishRpc(rpc, subject(*response), start, result.status());
}

}  // namespace barion_gateway::server

#endif  // BARION_GATEWAY_SERVER_RPC_RPC_SUPPORT_H_
