// One parser per section of the configuration file, each filling its part of `config` from
// `file` with the shared checks of checks.h. ParseConfig (config.cc) calls them in this order;
// a section that needs another's result says so. Errors start with `source`. Internal to
// //server/config.
#ifndef BARION_GATEWAY_SERVER_CONFIG_SECTIONS_H_
#define BARION_GATEWAY_SERVER_CONFIG_SECTIONS_H_

#include <string>

#include "absl/status/status.h"
#include "barion/gateway/config/v1/config.pb.h"
#include "server/config/checks.h"
#include "server/config/config.h"

namespace barion_gateway::server::config_internal {

using GatewayConfigFile = ::barion::gateway::config::v1::GatewayConfig;

// shops: names, POSKeys, payees, countries, defaults, callback secrets; no two with one POSKey
// (shops.cc).
absl::Status ParseShops(const GatewayConfigFile& file, const std::string& source,
                        const std::string& base_dir, const EnvLookup& env, Config* config);

// wallets: names and API keys (shops.cc).
absl::Status ParseWallets(const GatewayConfigFile& file, const std::string& source,
                          const std::string& base_dir, const EnvLookup& env, Config* config);

// barion: the base URL (http only to loopback), CA, connections, default timeout (barion.cc).
absl::Status ParseBarion(const GatewayConfigFile& file, const std::string& source,
                         const std::string& base_dir, Config* config);

// listen (its addresses, limits and the callback listener's TLS), data_dir and
// callback_public_base_url (listen.cc). The gRPC listener's TLS is ParseAuth's.
absl::Status ParseListen(const GatewayConfigFile& file, const std::string& source,
                         const std::string& base_dir, Config* config);

// reconciliation, subscriptions and callbacks: the event pipeline's timings and bounds
// (pipeline.cc).
absl::Status ParsePipeline(const GatewayConfigFile& file, const std::string& source,
                           Config* config);

// store: PostgreSQL, its DSN and password resolved, a DSN holding a password refused without
// echoing it (store.cc).
absl::Status ParseStore(const GatewayConfigFile& file, const std::string& source,
                        const std::string& base_dir, const EnvLookup& env, Config* config);

// callers, the gRPC listener's TLS and audit (auth.cc). Needs config->shops, config->wallets and
// config->grpc_address already parsed.
absl::Status ParseAuth(const GatewayConfigFile& file, const std::string& source,
                       const std::string& base_dir, Config* config);

// webhooks (webhooks.cc). Needs config->shops parsed.
absl::Status ParseWebhooks(const GatewayConfigFile& file, const std::string& source,
                           const std::string& base_dir, const EnvLookup& env, Config* config);

// Secure by default: a grpc_address other machines can reach needs callers, and bearer tokens
// there need TLS; allow_unauthenticated_insecure lifts both (auth.cc).
absl::Status CheckExposure(const std::string& source, const Config& config);

}  // namespace barion_gateway::server::config_internal

#endif  // BARION_GATEWAY_SERVER_CONFIG_SECTIONS_H_
