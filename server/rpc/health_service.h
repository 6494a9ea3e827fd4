// HealthService: grpc.health.v1.Health, served by the gateway itself instead of gRPC's built-in
// service, because its Watch streams are open to anyone who can connect (health checks carry no
// credentials) and gRPC 1.51's built-in service bounds them in no way.
//
// Check answers the status of the whole server ("") or of one of its services (NOT_FOUND for
// others). Watch sends the current status, then each change; at most `max_watches_per_peer`
// streams per client address and `max_watches` in all, beyond which Watch ends at once with
// RESOURCE_EXHAUSTED (reason WATCHES_EXHAUSTED). List answers every status. Shutdown() sets every
// status to NOT_SERVING, tells the watchers and ends their streams. Thread-safe.
#ifndef BARION_GATEWAY_SERVER_RPC_HEALTH_SERVICE_H_
#define BARION_GATEWAY_SERVER_RPC_HEALTH_SERVICE_H_

#include <map>
#include <set>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "health/v1/health.grpc.pb.h"

namespace barion_gateway::server {

class HealthService final : public grpc::health::v1::Health::CallbackService {
 public:
  struct Options {
    int max_watches = 256;
    int max_watches_per_peer = 4;
  };
  // `services`: the services whose status Check and Watch know, besides "" (the server). All
  // start SERVING.
  HealthService(const std::set<std::string>& services, Options options);
  ~HealthService() override;

  // Every status NOT_SERVING; open Watch streams get it and end. Later Watches are refused.
  void Shutdown();

  // Open Watch streams (for tests and metrics).
  int watches() const;

  grpc::ServerUnaryReactor* Check(grpc::CallbackServerContext* context,
                                  const grpc::health::v1::HealthCheckRequest* request,
                                  grpc::health::v1::HealthCheckResponse* response) override;
  grpc::ServerUnaryReactor* List(grpc::CallbackServerContext* context,
                                 const grpc::health::v1::HealthListRequest* request,
                                 grpc::health::v1::HealthListResponse* response) override;
  grpc::ServerWriteReactor<grpc::health::v1::HealthCheckResponse>* Watch(
      grpc::CallbackServerContext* context,
      const grpc::health::v1::HealthCheckRequest* request) override;

 private:
  class Watcher;
  using Status = grpc::health::v1::HealthCheckResponse::ServingStatus;

  void Ended(Watcher* watcher);

  const Options options_;
  mutable absl::Mutex mu_;
  std::map<std::string, Status> statuses_ ABSL_GUARDED_BY(mu_);
  std::set<Watcher*> watchers_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, int> per_peer_ ABSL_GUARDED_BY(mu_);
  bool shut_down_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace barion_gateway::server

#endif  // BARION_GATEWAY_SERVER_RPC_HEALTH_SERVICE_H_
