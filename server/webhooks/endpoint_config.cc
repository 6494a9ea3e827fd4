#include "server/webhooks/endpoint_config.h"

namespace barion_gateway::server {

std::vector<absl::Duration> DefaultWebhookRetryDelays() {
  return {absl::Seconds(5),  absl::Seconds(30), absl::Minutes(2), absl::Minutes(10),
          absl::Minutes(30), absl::Hours(1),    absl::Hours(2),   absl::Hours(4),
          absl::Hours(8),    absl::Hours(8)};
}

}  // namespace barion_gateway::server
