// The RPC metrics, with the names and labels of go-grpc-prometheus (docs/OPERATIONS.md):
// grpc_server_started_total, grpc_server_handled_total (with grpc_code as "OK",
// "InvalidArgument", ...), grpc_server_handling_seconds, and grpc_server_msg_sent_total for
// server streams. Every RPC's series are made once, from its descriptor (server/api/rpc.h); a call
// then counts without any lock but its method's histogram's own. Thread-safe.
#ifndef BARION_GATEWAY_SERVER_METRICS_RPC_METRICS_H_
#define BARION_GATEWAY_SERVER_METRICS_RPC_METRICS_H_

#include <array>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "prometheus/counter.h"
#include "prometheus/family.h"
#include "prometheus/histogram.h"
#include "prometheus/registry.h"
#include "server/api/rpc.h"
#include "server/metrics/series.h"

namespace barion_gateway::server {

// go-grpc-prometheus's name of a gRPC code ("OK", "InvalidArgument", "Unauthenticated").
absl::string_view GrpcCodeName(absl::StatusCode code);

// The series of one RPC method.
class RpcMethodMetrics {
 public:
  void Started() const { started_->Increment(); }
  // Counts the call as handled with `code` and observes how long it took.
  void Handled(absl::StatusCode code, absl::Duration took) const;
  // One message written on a server stream.
  void MessageSent() const { sent_->Increment(); }

 private:
  friend class RpcMetrics;
  RpcMethodMetrics() = default;

  prometheus::Labels labels_;  // grpc_type, grpc_service, grpc_method
  prometheus::Family<prometheus::Counter>* handled_family_ = nullptr;
  prometheus::Counter* started_ = nullptr;
  prometheus::Counter* sent_ = nullptr;
  prometheus::Histogram* seconds_ = nullptr;
  mutable std::array<SeriesSlot<prometheus::Counter>, 17> handled_;
};

class RpcMetrics {
 public:
  explicit RpcMetrics(prometheus::Registry& registry);

  // The series of `rpc` (grpc_type "unary" or "server_stream", ... from its descriptor's
  // streaming flags). Every RPC's are made at construction; they live as long as this object.
  const RpcMethodMetrics& For(Rpc rpc) const { return *methods_[static_cast<int>(rpc)]; }

 private:
  void MakeSeries();

  prometheus::Family<prometheus::Counter>& started_;
  prometheus::Family<prometheus::Counter>& handled_;
  prometheus::Family<prometheus::Counter>& sent_;
  prometheus::Family<prometheus::Histogram>& seconds_;
  std::array<std::unique_ptr<RpcMethodMetrics>, kRpcCount> methods_;
};

}  // namespace barion_gateway::server

#endif  // BARION_GATEWAY_SERVER_METRICS_RPC_METRICS_H_
