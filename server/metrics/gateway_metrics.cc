#include "server/metrics/gateway_metrics.h"

#include <sstream>
#include <utility>

#include "prometheus/gauge.h"
#include "prometheus/text_serializer.h"

namespace barion_gateway::server {

GatewayMetrics::GatewayMetrics(const std::string& version, const std::string& commit,
                               const std::vector<std::string>& endpoints)
    : registry_(std::make_shared<prometheus::Registry>()),
      rpc_(*registry_),
      barion_(*registry_, endpoints),
      pipeline_(*registry_),
      webhooks_(*registry_),
      operations_(*registry_) {
  prometheus::BuildGauge()
      .Name("barion_gateway_build_info")
      .Help("The gateway's version and commit (always 1).")
      .Register(*registry_)
      .Add({{"version", version}, {"commit", commit}})
      .Set(1);
  ready_ = &prometheus::BuildGauge()
                .Name("barion_gateway_ready")
                .Help("1 while the gateway serves (store readable, gRPC up, not draining).")
                .Register(*registry_)
                .Add({});
}

void GatewayMetrics::AddScrapeHook(std::function<void()> hook) {
  absl::MutexLock lock(&scrape_mu_);
  hooks_.push_back(std::move(hook));
}

std::string GatewayMetrics::Exposition() const {
  absl::MutexLock lock(&scrape_mu_);
  for (const std::function<void()>& hook : hooks_) hook();
  std::ostringstream out;
  prometheus::TextSerializer().Serialize(out, registry_->Collect());
  return out.str();
}

}  // namespace barion_gateway::server
