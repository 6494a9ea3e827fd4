// What every unary service of the gateway does at the RPC edge: the deadline of the upstream call,
// and the log line and status conversion of the answer.
#ifndef BARION_GATEWAY_SERVER_RPC_RPC_SUPPORT_H_
#define BARION_GATEWAY_SERVER_RPC_RPC_SUPPORT_H_

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "grpcpp/server_context.h"
#include "grpcpp/support/status.h"

namespace barion_gateway::server {

// The call's gRPC deadline, or now + `default_timeout` without one; at most 10 minutes away.
absl::Time RpcDeadline(const grpc::ServerContext& context, absl::Duration default_timeout);

// OK while the caller still wants the answer; CANCELLED when it cancelled, DEADLINE_EXCEEDED
// when its deadline passed (both with outcome "not_sent": checked before Barion is called, so
// work a caller gave up on never becomes a Barion call).
absl::Status CallStillWanted(const grpc::ServerContext& context);

// Logs one line for the call (always for failures, for successes when CallLogging() is on):
// "rpc=NAME SUBJECT code=... latency_ms=... [reason=...]", where `subject` names what the call
// was about ("shop=web payment_id=..."), then converts `status` for gRPC.
grpc::Status FinishRpc(absl::string_view rpc, absl::string_view subject, absl::Time start,
                       const absl::Status& status);

}  // namespace barion_gateway::server

#endif  // BARION_GATEWAY_SERVER_RPC_RPC_SUPPORT_H_
