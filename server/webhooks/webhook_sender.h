// WebhookSender: one attempt of one delivery (docs/WEBHOOKS.md). HttpWebhookSender POSTs the
// body with the Standard Webhooks headers over a pooled HttplibTransport of the endpoint's own:
// https with the certificate verified (http only to loopback), no redirect followed (a 3xx is a
// failure), at most `timeout` from connecting to the end of the answer, at most 64 KiB of the
// answer read. Only a 2xx counts as delivered.
#ifndef BARION_GATEWAY_SERVER_WEBHOOKS_WEBHOOK_SENDER_H_
#define BARION_GATEWAY_SERVER_WEBHOOKS_WEBHOOK_SENDER_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "server/barion/http_transport.h"

namespace barion_gateway::server {

struct WebhookDelivery {
  std::string id;         // webhook-id
  int64_t timestamp = 0;  // webhook-timestamp (Unix seconds of this attempt)
  std::string body;       // JSON
};

struct WebhookAttempt {
  bool delivered = false;
  int http_status = 0;  // 0: no answer
  // Why it did not count ("HTTP 500", "HTTP 302: redirects are not followed", "timed out"); the
  // receiver's words never: its body is not copied.
  std::string error;
};

class WebhookSender {
 public:
  virtual ~WebhookSender() = default;
  // Thread-safe: attempts may run at once.
  virtual WebhookAttempt Send(const WebhookDelivery& delivery) = 0;
};

class HttpWebhookSender final : public WebhookSender {
 public:
  // INVALID_ARGUMENT naming `setting` for a URL the transport refuses.
  static absl::StatusOr<std::unique_ptr<HttpWebhookSender>> Create(
      const std::string& url, const std::string& ca_file, std::vector<std::string> keys,
      absl::Duration timeout, int connections, const std::string& setting);
  WebhookAttempt Send(const WebhookDelivery& delivery) override;

 private:
  HttpWebhookSender(std::unique_ptr<HttpTransport> transport, std::string path,
                    std::vector<std::string> keys, absl::Duration timeout)
      : transport_(std::move(transport)),
        path_(std::move(path)),
        keys_(std::move(keys)),
        timeout_(timeout) {}
  const std::unique_ptr<HttpTransport> transport_;
  const std::string path_;  // the URL's path and query
  const std::vector<std::string> keys_;
  const absl::Duration timeout_;
};

}  // namespace barion_gateway::server

#endif  // BARION_GATEWAY_SERVER_WEBHOOKS_WEBHOOK_SENDER_H_
