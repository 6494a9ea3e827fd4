// Standard Webhooks 1.0 signing (docs/WEBHOOKS.md, "Verifying"): what the three headers of a
// delivery carry.
//   webhook-id         a message id, the same on every attempt of one event to one endpoint
//   webhook-timestamp  Unix seconds of the attempt
//   webhook-signature  "v1,<base64 HMAC-SHA256(key, id + "." + timestamp + "." + body)>", one
//                      per key, space-separated (two during a secret rotation)
#ifndef BARION_GATEWAY_SERVER_WEBHOOKS_SIGNATURE_H_
#define BARION_GATEWAY_SERVER_WEBHOOKS_SIGNATURE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace barion_gateway::server {

// The webhook-signature header's value for `keys` (raw key bytes, current first).
std::string WebhookSignature(const std::vector<std::string>& keys, absl::string_view id,
                             int64_t timestamp, absl::string_view body);

// The webhook-id of the event at `cursor_text` for `endpoint`: "msg_" and 32 hex digits of
// SHA-256(endpoint, cursor). Stable across attempts, restarts and replicas; different per
// endpoint, so one receiver behind two endpoints can tell them apart.
std::string WebhookMessageId(absl::string_view endpoint, absl::string_view cursor_text);

}  // namespace barion_gateway::server

#endif  // BARION_GATEWAY_SERVER_WEBHOOKS_SIGNATURE_H_
