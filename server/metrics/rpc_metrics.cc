#include "server/metrics/rpc_metrics.h"

#include <sstream>

#include "prometheus/gauge.h"
#include "prometheus/text_serializer.h"

namespace barion_gateway::server {

GatewayMetrics::GatewayMetrics(const std::string& version, const std::string& commit)
    : registry_(std::make_shared<prometheus::Registry>()),
      started_(prometheus::BuildCounter()
                   .Name("grpc_server_started_total")
                   .Help("RPCs started on the server.")
                   .Register(*registry_)),
      handled_(prometheus::BuildCounter()
                   .Name("grpc_server_handled_total")
                   .Help("RPCs completed on the server, by gRPC code.")
                   .Register(*registry_)),
      handling_seconds_(prometheus::BuildHistogram()
                            .Name("grpc_server_handling_seconds")
                            .Help("Time from the start of an RPC to its status, in seconds.")
                            .Register(*registry_)) {
  prometheus::BuildGauge()
      .Name("barion_gateway_build_info")
      .Help("The gateway's version and commit (always 1).")
      .Register(*registry_)
      .Add({{"version", version}, {"commit", commit}})
      .Set(1);
}

void GatewayMetrics::RpcStarted(absl::string_view type, absl::string_view service,
                                absl::string_view method) {
  started_
      .Add({{"grpc_type", std::string(type)},
            {"grpc_service", std::string(service)},
            {"grpc_method", std::string(method)}})
      .Increment();
}

void GatewayMetrics::RpcHandled(absl::string_view type, absl::string_view service,
                                absl::string_view method, absl::string_view code,
                                absl::Duration took) {
  handled_
      .Add({{"grpc_type", std::string(type)},
            {"grpc_service", std::string(service)},
            {"grpc_method", std::string(method)},
            {"grpc_code", std::string(code)}})
      .Increment();
  static const prometheus::Histogram::BucketBoundaries kBuckets = {
      0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60};
  handling_seconds_
      .Add({{"grpc_type", std::string(type)},
            {"grpc_service", std::string(service)},
            {"grpc_method", std::string(method)}},
           kBuckets)
      .Observe(absl::ToDoubleSeconds(took));
}

std::string GatewayMetrics::Exposition() const {
  std::ostringstream out;
  prometheus::TextSerializer().Serialize(out, registry_->Collect());
  return out.str();
}

}  // namespace barion_gateway::server
