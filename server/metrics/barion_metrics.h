// BarionMetrics: what the gateway's calls to Barion did (docs/OPERATIONS.md, "Barion"):
//   barion_gateway_barion_requests_total{endpoint, outcome}
//   barion_gateway_barion_responses_total{endpoint, status_class}   (calls with an HTTP answer)
//   barion_gateway_barion_request_duration_seconds{endpoint}
//   barion_gateway_barion_errors_total{endpoint, error_code}        (Barion's Errors[].ErrorCode)
//   barion_gateway_barion_connections{state="in_use"|"idle"}, barion_gateway_barion_waiting_calls,
//   barion_gateway_barion_calls_in_flight, barion_gateway_barion_tls_handshakes_total
// `endpoint` is Barion's path template ("/v4/Payment/{PaymentId}/PaymentState"), never a path
// with ids: a path that matches no template counts as "other". Error codes are Barion's to
// choose, so at most kMaxErrorSeries distinct (endpoint, code) pairs get a series of their own;
// the rest count as "other". Thread-safe; a call takes no lock shared by all calls.
#ifndef BARION_GATEWAY_SERVER_METRICS_BARION_METRICS_H_
#define BARION_GATEWAY_SERVER_METRICS_BARION_METRICS_H_

#include <array>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "prometheus/counter.h"
#include "prometheus/family.h"
#include "prometheus/gauge.h"
#include "prometheus/histogram.h"
#include "prometheus/registry.h"
#include "server/barion/call_observer.h"
#include "server/barion/http_transport.h"
#include "server/metrics/series.h"

namespace barion_gateway::server {

// The outcome label of a call: "ok", or the failure ("barion_error", "rate_limited",
// "http_error", "malformed", "timeout", "timeout_not_sent", "connect", "tls", "reset", "busy").
absl::string_view BarionOutcomeName(const std::optional<UpstreamFailure>& failure);

class BarionMetrics final : public BarionCallObserver {
 public:
  static constexpr int kMaxErrorSeries = 256;

  // `endpoints`: Barion's path templates, a segment in braces standing for any one segment.
  BarionMetrics(prometheus::Registry& registry, const std::vector<std::string>& endpoints);

  void BarionCalled(const BarionCall& call) override;
  // Sets the connection gauges and the handshake counter (run before a scrape).
  void SetTransportStats(const TransportStats& stats);

  // The template `path` (query ignored) matches, or "other".
  absl::string_view EndpointOf(absl::string_view path) const;

 private:
  static constexpr int kOutcomes = 11;
  struct Endpoint {
    std::string name;
    std::vector<std::string> segments;  // "{...}" matches any one segment
    std::array<SeriesSlot<prometheus::Counter>, kOutcomes> requests;
    std::array<SeriesSlot<prometheus::Counter>, 5> responses;  // 1xx..5xx
    SeriesSlot<prometheus::Histogram> seconds;
  };
  Endpoint& Match(absl::string_view path) const;
  void CountError(const Endpoint& endpoint, absl::string_view code);

  prometheus::Family<prometheus::Counter>& requests_;
  prometheus::Family<prometheus::Counter>& responses_;
  prometheus::Family<prometheus::Histogram>& seconds_;
  prometheus::Family<prometheus::Counter>& errors_;
  prometheus::Family<prometheus::Gauge>& connections_;
  prometheus::Gauge& in_use_;
  prometheus::Gauge& idle_;
  prometheus::Gauge& waiting_;
  prometheus::Gauge& in_flight_;
  prometheus::Counter& handshakes_;
  std::vector<std::unique_ptr<Endpoint>> endpoints_;  // the last one is "other"
  absl::Mutex errors_mu_;                             // only calls that Barion refused take it
  absl::flat_hash_map<std::pair<std::string, std::string>, prometheus::Counter*> error_series_
      ABSL_GUARDED_BY(errors_mu_);
};

}  // namespace barion_gateway::server

#endif  // BARION_GATEWAY_SERVER_METRICS_BARION_METRICS_H_
