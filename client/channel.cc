#include "client/channel.h"

#include <fstream>
#include <sstream>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "grpcpp/support/client_interceptor.h"

namespace barion_gateway::client {
namespace {

absl::StatusOr<std::string> ReadFile(const std::string& path, const std::string& setting) {
  std::ifstream in(path);
  if (!in) return absl::InvalidArgumentError(absl::StrCat(setting, ": cannot read ", path));
  std::stringstream content;
  content << in.rdbuf();
  return content.str();
}

bool IsLoopback(const std::string& address) {
  std::string host = address.substr(0, address.rfind(':'));
  if (absl::StartsWith(host, "[") && absl::EndsWith(host, "]")) {
    host = host.substr(1, host.size() - 2);
  }
  return host == "localhost" || host == "::1" || absl::StartsWith(host, "127.");
}

// Adds "authorization: Bearer <token>" to every call.
class BearerInterceptor : public grpc::experimental::Interceptor {
 public:
  explicit BearerInterceptor(const std::string* header) : header_(header) {}
  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(
            grpc::experimental::InterceptionHookPoints::PRE_SEND_INITIAL_METADATA)) {
      methods->GetSendInitialMetadata()->emplace("authorization", *header_);
    }
    methods->Proceed();
  }

 private:
  const std::string* header_;
};

class BearerInterceptorFactory : public grpc::experimental::ClientInterceptorFactoryInterface {
 public:
  explicit BearerInterceptorFactory(const std::string& token)
      : header_(absl::StrCat("Bearer ", token)) {}
  grpc::experimental::Interceptor* CreateClientInterceptor(
      grpc::experimental::ClientRpcInfo*) override {
    return new BearerInterceptor(&header_);
  }

 private:
  const std::string header_;  // lives as long as the channel, which owns the factory
};

absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> Credentials(
    const ChannelOptions& options) {
  const bool tls = options.tls || !options.ca_file.empty() || !options.cert_file.empty() ||
                   !options.key_file.empty();
  if (!tls) {
    if (!options.token.empty() && !IsLoopback(options.address)) {
      return absl::InvalidArgumentError(
          "a bearer token is sent only over TLS to an address that is not loopback (add --tls "
          "and --ca)");
    }
    return grpc::InsecureChannelCredentials();
  }
  if (options.cert_file.empty() != options.key_file.empty()) {
    return absl::InvalidArgumentError("cert and key go together (mTLS)");
  }
  grpc::SslCredentialsOptions ssl;
  if (!options.ca_file.empty()) {
    absl::StatusOr<std::string> roots = ReadFile(options.ca_file, "ca");
    if (!roots.ok()) return roots.status();
    ssl.pem_root_certs = *std::move(roots);
  }
  if (!options.cert_file.empty()) {
    absl::StatusOr<std::string> cert = ReadFile(options.cert_file, "cert");
    if (!cert.ok()) return cert.status();
    absl::StatusOr<std::string> key = ReadFile(options.key_file, "key");
    if (!key.ok()) return key.status();
    ssl.pem_cert_chain = *std::move(cert);
    ssl.pem_private_key = *std::move(key);
  }
  return grpc::SslCredentials(ssl);
}

}  // namespace

absl::StatusOr<std::string> ReadTokenFile(const std::string& path, const std::string& setting) {
  std::ifstream in(path);
  if (!in) return absl::InvalidArgumentError(absl::StrCat(setting, ": cannot read ", path));
  std::stringstream content;
  content << in.rdbuf();
  std::string token(absl::StripAsciiWhitespace(content.str()));
  if (token.empty())
    return absl::InvalidArgumentError(absl::StrCat(setting, ": ", path, " is empty"));
  return token;
}

absl::StatusOr<std::shared_ptr<grpc::Channel>> MakeChannel(const ChannelOptions& options) {
  absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> credentials = Credentials(options);
  if (!credentials.ok()) return credentials.status();
  grpc::ChannelArguments args;
  if (!options.server_name.empty()) args.SetSslTargetNameOverride(options.server_name);
  std::vector<std::unique_ptr<grpc::experimental::ClientInterceptorFactoryInterface>> interceptors;
  if (!options.token.empty()) {
    interceptors.push_back(std::make_unique<BearerInterceptorFactory>(options.token));
  }
  return grpc::experimental::CreateCustomChannelWithInterceptors(options.address, *credentials,
                                                                 args, std::move(interceptors));
}

absl::StatusOr<ChannelOptions> ChannelOptionsFromEnvironment(
    ChannelOptions defaults,
    const std::function<std::optional<std::string>(const std::string&)>& getenv) {
  auto set = [&](const char* name, std::string* field) {
    if (std::optional<std::string> value = getenv(name); value && !value->empty()) *field = *value;
  };
  set("BARION_GATEWAY_ADDRESS", &defaults.address);
  set("BARION_GATEWAY_CA", &defaults.ca_file);
  set("BARION_GATEWAY_CERT", &defaults.cert_file);
  set("BARION_GATEWAY_KEY", &defaults.key_file);
  set("BARION_GATEWAY_SERVER_NAME", &defaults.server_name);
  if (getenv("BARION_GATEWAY_TLS").value_or("") == "1") defaults.tls = true;
  if (std::optional<std::string> file = getenv("BARION_GATEWAY_TOKEN_FILE");
      file && !file->empty()) {
    absl::StatusOr<std::string> token = ReadTokenFile(*file, "BARION_GATEWAY_TOKEN_FILE");
    if (!token.ok()) return token.status();
    defaults.token = *std::move(token);
  }
  return defaults;
}

}  // namespace barion_gateway::client
