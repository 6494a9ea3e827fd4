#include "server/gateway.h"

#include <sys/stat.h>

#include <cerrno>
#include <fstream>
#include <sstream>
#include <utility>

#include "absl/strings/str_cat.h"
#include "grpcpp/ext/proto_server_reflection_plugin.h"
#include "grpcpp/health_check_service_interface.h"
#include "grpcpp/resource_quota.h"
#include "grpcpp/security/server_credentials.h"
#include "grpcpp/server_builder.h"
#include "server/httplib_transport.h"

namespace barion_gateway::server {
namespace {

absl::Status MakeDirs(const std::string& path) {
  std::string partial;
  for (size_t i = 0; i <= path.size(); ++i) {
    if (i == path.size() || (path[i] == '/' && i > 0)) {
      partial = path.substr(0, i);
      if (::mkdir(partial.c_str(), 0750) != 0 && errno != EEXIST) {
        return absl::InvalidArgumentError(
            absl::StrCat("data_dir: cannot create ", partial, ": ", std::strerror(errno)));
      }
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> ReadFile(const std::string& path, const std::string& setting) {
  std::ifstream in(path);
  if (!in) return absl::InvalidArgumentError(absl::StrCat(setting, ": cannot read ", path));
  std::stringstream content;
  content << in.rdbuf();
  return content.str();
}

}  // namespace

absl::StatusOr<std::unique_ptr<GatewayServer>> GatewayServer::Start(
    const Config& config, std::unique_ptr<HttpTransport> transport) {
  std::unique_ptr<GatewayServer> gateway(new GatewayServer());
  if (absl::Status s = ValidateListenAddress(config.grpc_address, "grpc_address"); !s.ok()) {
    return s;
  }
  if (absl::Status s = MakeDirs(config.data_dir); !s.ok()) return s;

  if (transport == nullptr) {
    HttplibTransport::Options options;
    options.base_url = config.barion_base_url;
    options.ca_file = config.barion_ca_file;
    options.max_connections = config.max_connections;
    absl::StatusOr<std::unique_ptr<HttplibTransport>> created =
        HttplibTransport::Create(std::move(options));
    if (!created.ok()) return created.status();
    transport = *std::move(created);
  }
  gateway->transport_ = std::move(transport);
  gateway->payment_service_ = std::make_unique<PaymentServiceImpl>(
      config.shops, gateway->transport_.get(), config.default_timeout);

  std::shared_ptr<grpc::ServerCredentials> credentials;
  if (!config.tls_cert_file.empty()) {
    absl::StatusOr<std::string> cert = ReadFile(config.tls_cert_file, "listen.tls_cert_file");
    if (!cert.ok()) return cert.status();
    absl::StatusOr<std::string> key = ReadFile(config.tls_key_file, "listen.tls_key_file");
    if (!key.ok()) return key.status();
    grpc::SslServerCredentialsOptions ssl;
    ssl.pem_key_cert_pairs.push_back({*key, *cert});
    credentials = grpc::SslServerCredentials(ssl);
  } else {
    // Plaintext gRPC is for loopback and trusted networks; the README says so.
    credentials = grpc::InsecureServerCredentials();
  }

  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  grpc::ResourceQuota quota("barion-gateway");
  quota.SetMaxThreads(config.max_concurrent_calls);
  builder.SetResourceQuota(quota);
  builder.SetMaxReceiveMessageSize(4 * 1024 * 1024);
  builder.AddListeningPort(config.grpc_address, credentials, &gateway->grpc_port_);
  builder.RegisterService(gateway->payment_service_.get());
  gateway->server_ = builder.BuildAndStart();
  if (gateway->server_ == nullptr || gateway->grpc_port_ == 0) {
    return absl::UnavailableError(
        absl::StrCat("grpc_address: cannot listen on ", config.grpc_address));
  }
  const std::string host = config.grpc_address.substr(0, config.grpc_address.rfind(':'));
  gateway->grpc_address_ = absl::StrCat(host, ":", gateway->grpc_port_);
  if (auto* health = gateway->server_->GetHealthCheckService()) {
    health->SetServingStatus(true);
    health->SetServingStatus("barion.v1.PaymentService", true);
  }
  return gateway;
}

void GatewayServer::Shutdown(absl::Duration grace) {
  if (shut_down_) return;
  shut_down_ = true;
  if (auto* health = server_->GetHealthCheckService()) health->SetServingStatus(false);
  server_->Shutdown(absl::ToChronoTime(absl::Now() + grace));
  server_->Wait();
}

GatewayServer::~GatewayServer() {
  if (server_ != nullptr) Shutdown(absl::ZeroDuration());
}

}  // namespace barion_gateway::server
