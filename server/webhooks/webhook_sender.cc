#include "server/webhooks/webhook_sender.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "server/barion/httplib_transport.h"
#include "server/webhooks/signature.h"

namespace barion_gateway::server {

absl::StatusOr<std::unique_ptr<HttpWebhookSender>> HttpWebhookSender::Create(
    const std::string& url, const std::string& ca_file, std::vector<std::string> keys,
    absl::Duration timeout, int connections, const std::string& setting) {
  // "scheme://authority" for the transport, the rest for each request.
  const size_t scheme_end = url.find("://");
  const size_t path_start =
      scheme_end == std::string::npos ? std::string::npos : url.find('/', scheme_end + 3);
  const std::string query_start_check =
      path_start == std::string::npos ? url : url.substr(0, path_start);
  std::string base = query_start_check.substr(0, query_start_check.find('?'));
  std::string path = url.substr(base.size());
  if (path.empty() || path[0] != '/') path = "/" + path;
  HttplibTransport::Options options;
  options.base_url = base;
  options.ca_file = ca_file;
  options.max_connections = connections;
  options.max_connect_timeout = timeout;
  options.setting = setting;
  absl::StatusOr<std::unique_ptr<HttplibTransport>> transport = HttplibTransport::Create(options);
  if (!transport.ok()) return transport.status();
  return std::unique_ptr<HttpWebhookSender>(
      new HttpWebhookSender(*std::move(transport), std::move(path), std::move(keys), timeout));
}

WebhookAttempt HttpWebhookSender::Send(const WebhookDelivery& d) {
  HttpRequest request;
  request.method = "POST";
  request.path = path_;
  request.body = d.body;
  request.deadline = absl::Now() + timeout_;
  request.max_body_bytes = 64 * 1024;
  request.headers = {{"webhook-id", d.id},
                     {"webhook-timestamp", absl::StrCat(d.timestamp)},
                     {"webhook-signature", WebhookSignature(keys_, d.id, d.timestamp, d.body)},
                     {"User-Agent", "barion-grpc-gateway-webhooks"}};
  absl::StatusOr<HttpResponse> response = transport_->Send(request);
  WebhookAttempt attempt;
  if (!response.ok()) {
    attempt.error = std::string(response.status().message());
    return attempt;
  }
  attempt.http_status = response->status;
  attempt.delivered = response->status >= 200 && response->status < 300;
  if (!attempt.delivered) {
    attempt.error = response->status >= 300 && response->status < 400
                        ? absl::StrCat("HTTP ", response->status, ": redirects are not followed")
                        : absl::StrCat("HTTP ", response->status);
  }
  return attempt;
}

}  // namespace barion_gateway::server
