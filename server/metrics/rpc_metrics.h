// The gateway's Prometheus metrics (docs/OPERATIONS.md): a registry, the RPC metrics with the
// names go-grpc-prometheus made familiar, and barion_gateway_build_info. Labels are bounded:
// service, method, code (never a payment id, a request id or a key). Thread-safe.
#ifndef BARION_GATEWAY_SERVER_METRICS_RPC_METRICS_H_
#define BARION_GATEWAY_SERVER_METRICS_RPC_METRICS_H_

#include <memory>
#include <string>

#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "prometheus/counter.h"
#include "prometheus/family.h"
#include "prometheus/histogram.h"
#include "prometheus/registry.h"

namespace barion_gateway::server {

class GatewayMetrics {
 public:
  // `version` and `commit` label barion_gateway_build_info.
  GatewayMetrics(const std::string& version, const std::string& commit);

  // grpc_server_started_total{grpc_type, grpc_service, grpc_method}.
  void RpcStarted(absl::string_view type, absl::string_view service, absl::string_view method);
  // grpc_server_handled_total{..., grpc_code} and grpc_server_handling_seconds{...}.
  void RpcHandled(absl::string_view type, absl::string_view service, absl::string_view method,
                  absl::string_view code, absl::Duration took);

  // Every metric in Prometheus's text exposition format (version 0.0.4).
  std::string Exposition() const;

  prometheus::Registry& registry() { return *registry_; }

 private:
  std::shared_ptr<prometheus::Registry> registry_;
  prometheus::Family<prometheus::Counter>& started_;
  prometheus::Family<prometheus::Counter>& handled_;
  prometheus::Family<prometheus::Histogram>& handling_seconds_;
};

}  // namespace barion_gateway::server

#endif  // BARION_GATEWAY_SERVER_METRICS_RPC_METRICS_H_
