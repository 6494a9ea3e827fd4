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

const RpcMethodMetrics* RpcServiceMetrics::Find(absl::string_view method) const {
  auto it = methods_.find(method);
  return it == methods_.end() ? nullptr : it->second.get();
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
                   .Register(registry)) {}

const RpcServiceMetrics* RpcMetrics::ForService(
    const google::protobuf::ServiceDescriptor& service) {
  auto metrics = std::unique_ptr<RpcServiceMetrics>(new RpcServiceMetrics());
  for (int i = 0; i < service.method_count(); ++i) {
    const google::protobuf::MethodDescriptor& method = *service.method(i);
    const char* type = method.client_streaming()
                           ? (method.server_streaming() ? "bidi_stream" : "client_stream")
                           : (method.server_streaming() ? "server_stream" : "unary");
    auto m = std::unique_ptr<RpcMethodMetrics>(new RpcMethodMetrics());
    m->labels_ = {
        {"grpc_type", type}, {"grpc_service", service.full_name()}, {"grpc_method", method.name()}};
    m->handled_family_ = &handled_;
    m->started_ = &started_.Add(m->labels_);
    m->sent_ = &sent_.Add(m->labels_);
    m->seconds_ = &seconds_.Add(m->labels_, LatencyBuckets());
    metrics->methods_.emplace(method.name(), std::move(m));
  }
  services_.push_back(std::move(metrics));
  return services_.back().get();
}

}  // namespace barion_gateway::server
