// The RPC metrics, with the names and labels of go-grpc-prometheus (docs/OPERATIONS.md):
// grpc_server_started_total, grpc_server_handled_total (with grpc_code as "OK",
// "InvalidArgument", ...), grpc_server_handling_seconds, and grpc_server_msg_sent_total for
// server streams. A service's methods are resolved once from its descriptor; a call then counts
// without any lock but its method's histogram's own. Thread-safe.
#ifndef BARION_GATEWAY_SERVER_METRICS_RPC_METRICS_H_
#define BARION_GATEWAY_SERVER_METRICS_RPC_METRICS_H_

#include <array>
#include <memory>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "google/protobuf/descriptor.h"
#include "prometheus/counter.h"
#include "prometheus/family.h"
#include "prometheus/histogram.h"
#include "prometheus/registry.h"
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

// The methods of one service, by name; not changed once made, so read without a lock.
class RpcServiceMetrics {
 public:
  // Null for a method the service does not have.
  const RpcMethodMetrics* Find(absl::string_view method) const;

 private:
  friend class RpcMetrics;
  absl::flat_hash_map<std::string, std::unique_ptr<RpcMethodMetrics>> methods_;
};

class RpcMetrics {
 public:
  explicit RpcMetrics(prometheus::Registry& registry);

  // The series of every method of `service` (grpc_type "unary" or "server_stream", ... from its
  // streaming flags), made now. The result lives as long as this object. Not for a hot path.
  const RpcServiceMetrics* ForService(const google::protobuf::ServiceDescriptor& service);

 private:
  prometheus::Family<prometheus::Counter>& started_;
  prometheus::Family<prometheus::Counter>& handled_;
  prometheus::Family<prometheus::Counter>& sent_;
  prometheus::Family<prometheus::Histogram>& seconds_;
  std::vector<std::unique_ptr<RpcServiceMetrics>> services_;
};

}  // namespace barion_gateway::server

#endif  // BARION_GATEWAY_SERVER_METRICS_RPC_METRICS_H_
