#include "server/metrics/rpc_metrics.h"

#include <utility>

#include "server/metrics/buckets.h"

namespace barion_gateway::server {

absl::string_view GrpcCodeName(absl::StatusCode code) {
  static constexpr absl::string_view kNames[] = {
      "OK",       "Canceled",       "Unknown",          "InvalidArgument",   "DeadlineExceeded",
      "NotFound", "AlreadyExists",  "PermissionDenied", "ResourceExhausted", "FailedPrecondition",
      "Aborted",  "OutOfRange",     "Unimplemented",    "Internal",          "Unavailable",
      "DataLoss", "Unauthenticated"};
  const int index = static_cast<int>(code);
  return index >= 0 && index <= 16 ? kNames[index] : "Unknown";
}

void RpcMethodMetrics::Handled(absl::StatusCode code, absl::Duration took) const {
  int index = static_cast<int>(code);
  if (index < 0 || index > 16) index = static_cast<int>(absl::StatusCode::kUnknown);
  handled_[index]
      .Get(*handled_family_,
           [&] {
             prometheus::Labels labels = labels_;
             labels["grpc_code"] = std::string(GrpcCodeName(static_cast<absl::StatusCode>(index)));
             return labels;
           })
      .Increment();
  seconds_->Observe(absl::ToDoubleSeconds(took));
}

RpcMetrics::RpcMetrics(prometheus::Registry& registry)
    : started_(prometheus::BuildCounter()
                   .Name("grpc_server_started_total")
                   .Help("RPCs started on the server.")
                   .Register(registry)),
      handled_(prometheus::BuildCounter()
                   .Name("grpc_server_handled_total")
                   .Help("RPCs completed on the server, by gRPC code.")
                   .Register(registry)),
      sent_(prometheus::BuildCounter()
                .Name("grpc_server_msg_sent_total")
                .Help("Messages written by the server on its streams.")
                .Register(registry)),
      seconds_(prometheus::BuildHistogram()
                   .Name("grpc_server_handling_seconds")
                   .Help("Time from the start of an RPC to its status, in seconds.")
                   .Register(registry)) {
  MakeSeries();
}

void RpcMetrics::MakeSeries() {
  for (int i = 0; i < kRpcCount; ++i) {
    const RpcMethod& rpc = AllRpcMethods()[i];
    const google::protobuf::MethodDescriptor& method = *rpc.descriptor;
    const char* type = method.client_streaming()
                           ? (method.server_streaming() ? "bidi_stream" : "client_stream")
                           : (method.server_streaming() ? "server_stream" : "unary");
    auto m = std::unique_ptr<RpcMethodMetrics>(new RpcMethodMetrics());
    m->labels_ = {{"grpc_type", type}, {"grpc_service", rpc.service}, {"grpc_method", rpc.name}};
    m->handled_family_ = &handled_;
    m->started_ = &started_.Add(m->labels_);
    m->sent_ = &sent_.Add(m->labels_);
    m->seconds_ = &seconds_.Add(m->labels_, LatencyBuckets());
    methods_[i] = std::move(m);
  }
}

}  // namespace barion_gateway::server
