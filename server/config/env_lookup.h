// How the configuration reads environment variables (the secrets' *_env settings): injected so
// that tests set no globals.
#ifndef BARION_GATEWAY_SERVER_CONFIG_ENV_LOOKUP_H_
#define BARION_GATEWAY_SERVER_CONFIG_ENV_LOOKUP_H_

#include <functional>
#include <optional>
#include <string>

namespace barion_gateway::server {

// Looks up an environment variable; nullopt when unset.
using EnvLookup = std::function<std::optional<std::string>(const std::string&)>;

// The process's environment.
EnvLookup ProcessEnv();

}  // namespace barion_gateway::server

#endif  // BARION_GATEWAY_SERVER_CONFIG_ENV_LOOKUP_H_
