// The W3C Trace Context of an RPC (https://www.w3.org/TR/trace-context/): the trace id comes
// from the caller's `traceparent` metadata ("00-<32 hex trace id>-<16 hex parent id>-<2 hex
// flags>") when it is valid, else the gateway draws one. The gateway answers with its own
// `traceparent` in the initial metadata (the same trace id, a span id of its own), so a caller
// can correlate its logs with the gateway's; the trace id is in the call's log lines and in
// those of the events the call causes (docs/OPERATIONS.md, "Logs").
#ifndef BARION_GATEWAY_SERVER_RPC_TRACE_CONTEXT_H_
#define BARION_GATEWAY_SERVER_RPC_TRACE_CONTEXT_H_

#include <optional>
#include <string>

#include "absl/strings/string_view.h"
#include "grpcpp/server_context.h"

namespace barion_gateway::server {

struct TraceParent {
  std::string trace_id;  // 32 lowercase hex digits, not all zero
  std::string span_id;   // 16 lowercase hex digits, not all zero
  std::string flags;     // 2 hex digits ("01": sampled)
  std::string ToHeader() const { return "00-" + trace_id + "-" + span_id + "-" + flags; }
};

// The parsed header; nullopt when it is not a valid version-00 traceparent (a later version's
// header is read by its first four fields, as the specification asks).
std::optional<TraceParent> ParseTraceParent(absl::string_view header);

// Reads the caller's traceparent (or draws a new trace id), answers with the gateway's own in
// the initial metadata, and returns the trace id. Call once per RPC, before anything is sent.
std::string StartTrace(grpc::ServerContextBase& context);

}  // namespace barion_gateway::server

#endif  // BARION_GATEWAY_SERVER_RPC_TRACE_CONTEXT_H_
