// The configuration of webhook delivery (docs/WEBHOOKS.md): the endpoints events are POSTed to,
// and the retry schedule. Parsed and checked by the gateway's configuration
// (server/config/webhooks.cc); holds signing secrets: never log it.
#ifndef BARION_GATEWAY_SERVER_WEBHOOKS_ENDPOINT_CONFIG_H_
#define BARION_GATEWAY_SERVER_WEBHOOKS_ENDPOINT_CONFIG_H_

#include <string>
#include <vector>

#include "absl/time/time.h"
#include "barion/v1/types.pb.h"

namespace barion_gateway::server {

struct WebhookEndpointConfig {
  std::string name;
  std::string url;                                  // https://, or http:// to loopback
  std::vector<std::string> shops;                   // empty: every shop
  std::vector<barion::v1::PaymentStatus> statuses;  // empty: every status
  // The signing keys (decoded from "whsec_<base64>"): the current one first, then the previous
  // one during a rotation. Secret.
  std::vector<std::string> keys;
  // The secrets as configured ("whsec_..."), for the redactor. Secret.
  std::vector<std::string> secret_texts;
  absl::Duration timeout = absl::Seconds(15);
  int max_in_flight = 4;
  std::string ca_file;  // empty: the system's CAs
};

// 5s, 30s, 2m, 10m, 30m, 1h, 2h, 4h, 8h, 8h: 11 attempts over about a day.
std::vector<absl::Duration> DefaultWebhookRetryDelays();

struct WebhooksConfig {
  std::vector<WebhookEndpointConfig> endpoints;
  std::vector<absl::Duration> retry_delays = DefaultWebhookRetryDelays();
};

}  // namespace barion_gateway::server

#endif  // BARION_GATEWAY_SERVER_WEBHOOKS_ENDPOINT_CONFIG_H_
