#include "server/barion/limited_transport.h"

#include "absl/strings/str_cat.h"

namespace barion_gateway::server {

absl::StatusOr<HttpResponse> LimitedTransport::Send(const HttpRequest& request) {
  if (in_flight_.fetch_add(1) >= limit_) {
    in_flight_.fetch_sub(1);
    return TransportError(
        TransportFailure::kBusy,
        absl::StrCat("the gateway already waits on Barion for ", limit_,
                     " calls (listen.max_concurrent_calls less the share kept for local calls)"));
  }
  absl::StatusOr<HttpResponse> response = inner_->Send(request);
  in_flight_.fetch_sub(1);
  return response;
}

TransportStats LimitedTransport::Stats() const {
  TransportStats stats = inner_->Stats();
  stats.in_flight = in_flight_.load();
  return stats;
}

}  // namespace barion_gateway::server
