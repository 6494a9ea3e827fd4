// ParseConfig: the text format parsed, then each section in turn (sections.h); the file's
// reading and the embedded default.
#include "server/config/config.h"

#include <fstream>
#include <sstream>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/io/tokenizer.h"
#include "google/protobuf/text_format.h"
#include "server/config/sections.h"

namespace barion_gateway::server {
namespace {

// Collects text-format parse errors with their line numbers.
class ParseErrors : public google::protobuf::io::ErrorCollector {
 public:
  void AddError(int line, google::protobuf::io::ColumnNumber column,
                const std::string& message) override {
    if (first_.empty()) first_ = absl::StrCat("line ", line + 1, ":", column + 1, ": ", message);
  }
  const std::string& first() const { return first_; }

 private:
  std::string first_;
};

}  // namespace

absl::Status ValidateListenAddress(const std::string& address, const std::string& setting) {
  size_t colon = address.rfind(':');
  int port;
  if (colon == std::string::npos || colon == 0 ||
      !absl::SimpleAtoi(address.substr(colon + 1), &port) || port < 0 || port > 65535) {
    // The value is not echoed: a secret pasted here must not reach a log.
    return absl::InvalidArgumentError(
        absl::StrCat(setting, ": is not host:port (port 0 picks a free one)"));
  }
  return absl::OkStatus();
}

std::vector<std::string> SecretsOf(const Config& config) {
  std::vector<std::string> secrets;
  for (const ShopConfig& shop : WithCallbackSecrets(config.shops)) {
    secrets.push_back(shop.pos_key);
    secrets.insert(secrets.end(), shop.callback_secrets.begin(), shop.callback_secrets.end());
  }
  for (const WalletConfig& wallet : config.wallets) secrets.push_back(wallet.api_key);
  if (config.postgres.has_value()) secrets.push_back(config.postgres->password);
  for (const WebhookEndpointConfig& endpoint : config.webhooks.endpoints) {
    for (const std::string& text : endpoint.secret_texts) {
      secrets.push_back(text);
      secrets.push_back(text.substr(text.find('_') + 1));  // the base64 alone
    }
  }
  return secrets;
}

absl::StatusOr<Config> ParseConfig(const std::string& text, const std::string& source,
                                   const std::string& base_dir, const EnvLookup& env) {
  namespace in = config_internal;
  in::GatewayConfigFile file;
  google::protobuf::TextFormat::Parser parser;
  ParseErrors errors;
  parser.RecordErrorsTo(&errors);
  if (!parser.ParseFromString(text, &file)) {
    return absl::InvalidArgumentError(absl::StrCat(source, ": ", errors.first()));
  }
  // In this order: auth needs the shops, wallets and grpc_address; webhooks need the shops.
  Config config;
  absl::Status status = in::ParseShops(file, source, base_dir, env, &config);
  if (status.ok()) status = in::ParseWallets(file, source, base_dir, env, &config);
  if (status.ok()) status = in::ParseBarion(file, source, base_dir, &config);
  if (status.ok()) status = in::ParseListen(file, source, base_dir, &config);
  if (status.ok()) status = in::ParsePipeline(file, source, &config);
  if (status.ok()) status = in::ParseStore(file, source, base_dir, env, &config);
  if (status.ok()) status = in::ParseAuth(file, source, base_dir, &config);
  if (status.ok()) status = in::ParseWebhooks(file, source, base_dir, env, &config);
  if (!status.ok()) return status;
  return config;
}

absl::StatusOr<Config> LoadConfigFile(const std::string& path, const EnvLookup& env) {
  std::ifstream in(path);
  if (!in) return absl::InvalidArgumentError(absl::StrCat(path, ": cannot read the file"));
  std::stringstream content;
  content << in.rdbuf();
  size_t slash = path.rfind('/');
  std::string base_dir = slash == std::string::npos ? "." : path.substr(0, slash);
  return ParseConfig(content.str(), path, base_dir, env);
}

std::string DefaultConfigText(bool with_wallet) {
  std::string text = R"pb(
    shops {
      name: "demo"
      pos_key_env: "BARION_POS_KEY"
      payee: "demo-shop@sandbox.local"
      country: "HU"
      defaults { redirect_url: "http://127.0.0.1:8080/payment/return" locale: "en-US" }
    }
    barion { base_url: "https://127.0.0.1:18443" ca_file: "data/sandbox/ca.pem" }
    listen { grpc_address: "127.0.0.1:50051" callback_address: "127.0.0.1:18090" }
    data_dir: "data"
    callback_public_base_url: "listener"
  )pb";
  if (with_wallet) {
    text += R"pb(wallets { name: "demo" api_key_env: "BARION_WALLET_API_KEY" })pb";
  }
  return text;
}

}  // namespace barion_gateway::server
