// LimitedTransport: an HttpTransport that lets at most `limit` calls wait on Barion at once;
// one more fails at once, before anything is sent (TransportFailure::kBusy, which BarionApi reports
// as UPSTREAM_CALLS_EXHAUSTED, outcome not_sent).
//
// The gateway puts it in front of Barion with a limit below listen.max_concurrent_calls, so
// that calls stuck on a hung Barion cannot take the gRPC threads that calls which never reach
// Barion (event reads, health, reflection) need.
#ifndef BARION_GATEWAY_SERVER_BARION_LIMITED_TRANSPORT_H_
#define BARION_GATEWAY_SERVER_BARION_LIMITED_TRANSPORT_H_

#include <atomic>

#include "server/barion/http_transport.h"

namespace barion_gateway::server {

class LimitedTransport final : public HttpTransport {
 public:
  // `inner` is not owned and must outlive this.
  LimitedTransport(HttpTransport* inner, int limit) : inner_(inner), limit_(limit) {}

  absl::StatusOr<HttpResponse> Send(const HttpRequest& request) override;
  // The inner transport's, with the calls in flight here.
  TransportStats Stats() const override;

  int limit() const { return limit_; }

 private:
  HttpTransport* const inner_;
  const int limit_;
  std::atomic<int> in_flight_{0};
};

}  // namespace barion_gateway::server

#endif  // BARION_GATEWAY_SERVER_BARION_LIMITED_TRANSPORT_H_
