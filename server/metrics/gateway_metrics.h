// GatewayMetrics: every Prometheus metric of the gateway in one registry (docs/OPERATIONS.md,
// "Metrics"): the RPC metrics, Barion's, the callback → event pipeline's, the operations', and
// barion_gateway_build_info{version, commit}. Labels carry bounded values only (service,
// method, code, endpoint template, result), never a payment id, a request id, an e-mail or a
// key. Gauges that describe state elsewhere (the store, the transport) are set by scrape hooks
// that run before each exposition. Thread-safe.
#ifndef BARION_GATEWAY_SERVER_METRICS_GATEWAY_METRICS_H_
#define BARION_GATEWAY_SERVER_METRICS_GATEWAY_METRICS_H_

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "prometheus/registry.h"
#include "server/metrics/barion_metrics.h"
#include "server/metrics/operation_metrics.h"
#include "server/metrics/pipeline_metrics.h"
#include "server/metrics/rpc_metrics.h"
#include "server/metrics/webhook_metrics.h"

namespace barion_gateway::server {

class GatewayMetrics {
 public:
  // `endpoints`: Barion's path templates (the operations' catalog) for the Barion metrics.
  GatewayMetrics(const std::string& version, const std::string& commit,
                 const std::vector<std::string>& endpoints);

  RpcMetrics& rpc() { return rpc_; }
  BarionMetrics& barion() { return barion_; }
  PipelineMetrics& pipeline() { return pipeline_; }
  WebhookMetrics& webhooks() { return webhooks_; }
  OperationMetrics& operations() { return operations_; }

  // barion_gateway_ready: 1 while the gateway would answer /readyz with 200, else 0.
  void SetReady(bool ready) { ready_->Set(ready ? 1 : 0); }

  // `hook` runs before every exposition, serialized with other scrapes.
  void AddScrapeHook(std::function<void()> hook);

  // Every metric in Prometheus's text exposition format (version 0.0.4).
  std::string Exposition() const;

 private:
  std::shared_ptr<prometheus::Registry> registry_;
  RpcMetrics rpc_;
  BarionMetrics barion_;
  PipelineMetrics pipeline_;
  WebhookMetrics webhooks_;
  OperationMetrics operations_;
  prometheus::Gauge* ready_ = nullptr;
  mutable absl::Mutex scrape_mu_;
  std::vector<std::function<void()>> hooks_ ABSL_GUARDED_BY(scrape_mu_);
};

}  // namespace barion_gateway::server

#endif  // BARION_GATEWAY_SERVER_METRICS_GATEWAY_METRICS_H_
