// Helpers shared by the parts of the configuration parser (config.cc, config_auth.cc). Internal
// to //server:config.
#ifndef BARION_GATEWAY_SERVER_CONFIG_INTERNAL_H_
#define BARION_GATEWAY_SERVER_CONFIG_INTERNAL_H_

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "barion/gateway/config/v1/config.pb.h"
#include "server/config.h"

namespace barion_gateway::server::config_internal {

// `path` relative to `base_dir` unless absolute.
std::string Resolve(const std::string& base_dir, const std::string& path);

// INVALID_ARGUMENT "{source}: {setting}: {problem}".
absl::Status Bad(const std::string& source, const std::string& setting, const std::string& problem);

// 1-64 characters of [a-z0-9_-] (shops, wallets, callers).
bool ValidShopName(const std::string& name);

// Whether `name` can be an environment variable's name: [A-Za-z_][A-Za-z0-9_]*, at most 128.
bool ValidEnvName(const std::string& name);

// A secret from the environment variable `env_name` or the file `file` (exactly one of them),
// for the setting `{where}.{what}_env` / `_file`. Errors name the setting and say why, but never
// print the variable's name or the file's path: an operator may have pasted the secret itself
// there.
absl::StatusOr<std::string> ReadSecret(const std::string& source, const std::string& where,
                                       const std::string& what, const std::string& env_name,
                                       const std::string& file, const std::string& base_dir,
                                       const EnvLookup& env);

// Secure by default: a grpc_address other machines can reach needs callers, and bearer tokens
// there need TLS; allow_unauthenticated_insecure lifts both. Errors start with `source`.
absl::Status CheckExposure(const std::string& source, const Config& config);

// The stores' backend of `file` into `config` (config_store.cc): store.postgres, its DSN and
// password resolved, a DSN holding a password refused without echoing it.
absl::Status ParseStore(const barion::gateway::config::v1::GatewayConfig& file,
                        const std::string& source, const std::string& base_dir,
                        const EnvLookup& env, Config* config);

// The webhooks of `file` into `config` (config_webhooks.cc). Needs config->shops parsed.
absl::Status ParseWebhooks(const barion::gateway::config::v1::GatewayConfig& file,
                           const std::string& source, const std::string& base_dir,
                           const EnvLookup& env, Config* config);

// The callers and the listener's TLS settings of `file` into `config` (config_auth.cc). Needs
// config->shops, config->wallets and config->grpc_address already parsed.
absl::Status ParseAuth(const barion::gateway::config::v1::GatewayConfig& file,
                       const std::string& source, const std::string& base_dir, Config* config);

}  // namespace barion_gateway::server::config_internal

#endif  // BARION_GATEWAY_SERVER_CONFIG_INTERNAL_H_
