#include "server/barion/redacting_transport.h"

#include <string>
#include <vector>

#include "absl/strings/match.h"

namespace barion_gateway::server {

absl::StatusOr<HttpResponse> RedactingTransport::Send(const HttpRequest& request) {
  absl::StatusOr<HttpResponse> response = inner_->Send(request);
  if (!response.ok()) return response;
  std::vector<std::string> keys;
  for (const auto& [name, value] : request.headers) {
    if (absl::EqualsIgnoreCase(name, "x-pos-key") || absl::EqualsIgnoreCase(name, "x-api-key")) {
      keys.push_back(value);
    }
  }
  redactor_->Redact(&response->body, keys);
  return response;
}

}  // namespace barion_gateway::server
