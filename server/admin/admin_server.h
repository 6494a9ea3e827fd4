// AdminServer: the operator's HTTP listener (listen.admin_address, loopback by default), on
// the gateway's bounded HTTP server: GET /metrics (Prometheus text format), /healthz (the
// process is up: 200), /readyz (200 when `ready()` says the gateway serves: its store is open
// and gRPC is serving, not draining; else 503). Anything else is 404, other methods 405.
#ifndef BARION_GATEWAY_SERVER_ADMIN_ADMIN_SERVER_H_
#define BARION_GATEWAY_SERVER_ADMIN_ADMIN_SERVER_H_

#include <functional>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "server/http/bounded_http_server.h"
#include "server/metrics/gateway_metrics.h"

namespace barion_gateway::server {

class AdminServer {
 public:
  // `metrics` (null: metrics are off, /metrics is 404) is not owned and must outlive the server.
  // INVALID_ARGUMENT for an address that is not host:port, UNAVAILABLE when it cannot be bound.
  static absl::StatusOr<std::unique_ptr<AdminServer>> Start(const std::string& address,
                                                            const GatewayMetrics* metrics,
                                                            std::function<bool()> ready);
  ~AdminServer();

  // The bound address, with the real port.
  const std::string& address() const { return address_; }
  void Stop();

 private:
  AdminServer() = default;
  ServedResponse Handle(const ServedRequest& request) const;

  const GatewayMetrics* metrics_ = nullptr;
  std::function<bool()> ready_;
  std::unique_ptr<BoundedHttpServer> server_;
  std::string address_;
};

}  // namespace barion_gateway::server

#endif  // BARION_GATEWAY_SERVER_ADMIN_ADMIN_SERVER_H_
