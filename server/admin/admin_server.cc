#include "server/admin/admin_server.h"

#include "absl/strings/str_cat.h"

namespace barion_gateway::server {

absl::StatusOr<std::unique_ptr<AdminServer>> AdminServer::Start(const std::string& address,
                                                                const GatewayMetrics* metrics,
                                                                std::function<bool()> ready) {
  BoundedHttpServer::Options http;
  http.thread_name = "admin";
  if (absl::Status s = BoundedHttpServer::SetAddress(address, "admin_address", &http); !s.ok()) {
    return s;
  }
  std::unique_ptr<AdminServer> admin(new AdminServer());
  admin->metrics_ = metrics;
  admin->ready_ = std::move(ready);
  http.workers = 2;
  http.max_connections = 64;
  AdminServer* raw = admin.get();
  absl::StatusOr<std::unique_ptr<BoundedHttpServer>> server = BoundedHttpServer::Start(
      std::move(http), [raw](const ServedRequest& request) { return raw->Handle(request); });
  if (!server.ok()) {
    return absl::UnavailableError(
        absl::StrCat("admin_address: cannot listen on ", address, ": ", server.status().message()));
  }
  admin->server_ = *std::move(server);
  admin->address_ =
      absl::StrCat(address.substr(0, address.rfind(':')), ":", admin->server_->port());
  return admin;
}

AdminServer::~AdminServer() { Stop(); }

void AdminServer::Stop() {
  if (server_ != nullptr) server_->Stop();
}

ServedResponse AdminServer::Handle(const ServedRequest& request) const {
  const std::string path = request.target.substr(0, request.target.find('?'));
  ServedResponse response;
  auto text = [&response](int status, std::string body, const char* type) {
    response.status = status;
    response.body = std::move(body);
    response.headers = {{"Content-Type", type}};
  };
  if ((path != "/metrics" || metrics_ == nullptr) && path != "/healthz" && path != "/readyz") {
    text(404, "not found\n", "text/plain; charset=utf-8");
  } else if (request.method != "GET" && request.method != "HEAD") {
    text(405, "method not allowed\n", "text/plain; charset=utf-8");
  } else if (path == "/metrics") {
    text(200, metrics_->Exposition(), "text/plain; version=0.0.4; charset=utf-8");
  } else if (path == "/healthz") {
    text(200, "ok\n", "text/plain; charset=utf-8");
  } else if (ready_()) {
    text(200, "ready\n", "text/plain; charset=utf-8");
  } else {
    text(503, "not ready\n", "text/plain; charset=utf-8");
  }
  return response;
}

}  // namespace barion_gateway::server
