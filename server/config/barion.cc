// The barion section: where the gateway calls Barion and how.
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "server/common/loopback.h"
#include "server/config/sections.h"

namespace barion_gateway::server::config_internal {

namespace cfg = ::barion::gateway::config::v1;

absl::Status ParseBarion(const GatewayConfigFile& file, const std::string& source,
                         const std::string& base_dir, Config* config) {
  const cfg::Barion& b = file.barion();
  if (!b.base_url().empty()) {
    config->barion_base_url = b.base_url();
  } else if (b.environment() == cfg::BARION_ENVIRONMENT_PRODUCTION) {
    config->barion_base_url = "https://api.barion.com";
  } else {
    config->barion_base_url = "https://api.test.barion.com";
  }
  if (!ValidUrl(config->barion_base_url)) {
    return Bad(source, "barion.base_url", "must start with https:// or http://");
  }
  if (absl::string_view rest = config->barion_base_url;
      absl::ConsumePrefix(&rest, "http://") && !IsLoopbackAddress(rest.substr(0, rest.find('/')))) {
    return Bad(source, "barion.base_url",
               "http:// is allowed only to a loopback address (the local sandbox): every call "
               "carries a POSKey or an API key");
  }
  config->barion_ca_file = Resolve(base_dir, b.ca_file());
  absl::Status status = SetNumber(source, "barion.max_connections", int64_t{b.max_connections()}, 1,
                                  1024, "must be 1-1024", &config->max_connections);
  status.Update(SetDuration(source, "barion.default_timeout", b.has_default_timeout(),
                            b.default_timeout(), absl::Seconds(1), absl::Minutes(10),
                            "must be between 1s and 10m", &config->default_timeout));
  return status;
}

}  // namespace barion_gateway::server::config_internal
