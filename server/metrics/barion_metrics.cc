#include "server/metrics/barion_metrics.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "server/metrics/buckets.h"

namespace barion_gateway::server {
namespace {

// Index of a failure's outcome in BarionOutcomeName's table; 0 is "ok".
int OutcomeIndex(const std::optional<UpstreamFailure>& failure) {
  if (!failure.has_value()) return 0;
  switch (*failure) {
    case UpstreamFailure::kBarionError:
      return 1;
    case UpstreamFailure::kRateLimited:
      return 2;
    case UpstreamFailure::kHttpError:
      return 3;
    case UpstreamFailure::kMalformedResponse:
      return 4;
    case UpstreamFailure::kTimeout:
      return 5;
    case UpstreamFailure::kTimeoutNotSent:
      return 6;
    case UpstreamFailure::kUnreachable:
      return 7;
    case UpstreamFailure::kTlsFailure:
      return 8;
    case UpstreamFailure::kConnectionReset:
      return 9;
    case UpstreamFailure::kGatewayBusy:
      return 10;
  }
  return 9;
}

constexpr absl::string_view kOutcomeNames[] = {
    "ok",      "barion_error",     "rate_limited", "http_error", "malformed",
    "timeout", "timeout_not_sent", "connect",      "tls",        "reset",
    "busy"};

// A Barion error code as a label value: letters, digits and '_' only, at most 64 of them.
bool PlainCode(absl::string_view code) {
  return !code.empty() && code.size() <= 64 && std::all_of(code.begin(), code.end(), [](char c) {
    return absl::ascii_isalnum(c) || c == '_';
  });
}

}  // namespace

absl::string_view BarionOutcomeName(const std::optional<UpstreamFailure>& failure) {
  return kOutcomeNames[OutcomeIndex(failure)];
}

BarionMetrics::BarionMetrics(prometheus::Registry& registry,
                             const std::vector<std::string>& endpoints)
    : requests_(prometheus::BuildCounter()
                    .Name("barion_gateway_barion_requests_total")
                    .Help("Calls to Barion, by endpoint and outcome.")
                    .Register(registry)),
      responses_(prometheus::BuildCounter()
                     .Name("barion_gateway_barion_responses_total")
                     .Help("Barion's HTTP answers, by endpoint and status class.")
                     .Register(registry)),
      seconds_(prometheus::BuildHistogram()
                   .Name("barion_gateway_barion_request_duration_seconds")
                   .Help("Time of a call to Barion, connection included, in seconds.")
                   .Register(registry)),
      errors_(prometheus::BuildCounter()
                  .Name("barion_gateway_barion_errors_total")
                  .Help("Error codes in Barion's Errors answers, by endpoint.")
                  .Register(registry)),
      connections_(prometheus::BuildGauge()
                       .Name("barion_gateway_barion_connections")
                       .Help("Pooled connections to Barion, by state.")
                       .Register(registry)),
      in_use_(connections_.Add({{"state", "in_use"}})),
      idle_(connections_.Add({{"state", "idle"}})),
      waiting_(prometheus::BuildGauge()
                   .Name("barion_gateway_barion_waiting_calls")
                   .Help("Calls waiting for a free connection to Barion.")
                   .Register(registry)
                   .Add({})),
      in_flight_(prometheus::BuildGauge()
                     .Name("barion_gateway_barion_calls_in_flight")
                     .Help("Calls sent to Barion and not yet answered.")
                     .Register(registry)
                     .Add({})),
      handshakes_(prometheus::BuildCounter()
                      .Name("barion_gateway_barion_tls_handshakes_total")
                      .Help("TLS handshakes with Barion (a new connection makes one).")
                      .Register(registry)
                      .Add({})) {
  for (const std::string& name : endpoints) {
    auto endpoint = std::make_unique<Endpoint>();
    endpoint->name = name;
    endpoint->segments = absl::StrSplit(name, '/');
    endpoints_.push_back(std::move(endpoint));
  }
  auto other = std::make_unique<Endpoint>();
  other->name = "other";
  endpoints_.push_back(std::move(other));
}

// Whether `path` has the template's segments, "{...}" matching any one non-empty segment.
// No allocation: this runs on every Barion call.
static bool Matches(const std::vector<std::string>& segments, absl::string_view path) {
  for (size_t i = 0; i < segments.size(); ++i) {
    const size_t slash = path.find('/');
    const absl::string_view segment = path.substr(0, slash);
    const bool last = slash == absl::string_view::npos;
    if (last != (i + 1 == segments.size())) return false;
    const std::string& want = segments[i];
    if (absl::StartsWith(want, "{") ? segment.empty() : want != segment) return false;
    if (!last) path.remove_prefix(slash + 1);
  }
  return true;
}

BarionMetrics::Endpoint& BarionMetrics::Match(absl::string_view path) const {
  path = path.substr(0, path.find('?'));
  for (size_t e = 0; e + 1 < endpoints_.size(); ++e) {
    if (Matches(endpoints_[e]->segments, path)) return *endpoints_[e];
  }
  return *endpoints_.back();
}

absl::string_view BarionMetrics::EndpointOf(absl::string_view path) const {
  return Match(path).name;
}

void BarionMetrics::BarionCalled(const BarionCall& call) {
  Endpoint& endpoint = Match(call.path);
  const int outcome = OutcomeIndex(call.failure);
  endpoint.requests[outcome]
      .Get(requests_,
           [&] {
             return prometheus::Labels{{"endpoint", endpoint.name},
                                       {"outcome", std::string(kOutcomeNames[outcome])}};
           })
      .Increment();
  const int status_class = call.http_status / 100;
  if (status_class >= 1 && status_class <= 5) {
    endpoint.responses[status_class - 1]
        .Get(responses_,
             [&] {
               return prometheus::Labels{{"endpoint", endpoint.name},
                                         {"status_class", std::to_string(status_class) + "xx"}};
             })
        .Increment();
  }
  endpoint.seconds
      .Get(
          seconds_,
          [&] {
            return prometheus::Labels{{"endpoint", endpoint.name}};
          },
          LatencyBuckets())
      .Observe(absl::ToDoubleSeconds(call.took));
  if (call.errors != nullptr) {
    for (const BarionError& error : *call.errors) CountError(endpoint, error.error_code);
  }
}

void BarionMetrics::CountError(const Endpoint& endpoint, absl::string_view code) {
  std::pair<std::string, std::string> key(endpoint.name,
                                          PlainCode(code) ? std::string(code) : "other");
  absl::MutexLock lock(&errors_mu_);
  auto it = error_series_.find(key);
  if (it == error_series_.end()) {
    if (static_cast<int>(error_series_.size()) >= kMaxErrorSeries) key.second = "other";
    it = error_series_.find(key);
    if (it == error_series_.end()) {
      prometheus::Counter* counter =
          &errors_.Add({{"endpoint", key.first}, {"error_code", key.second}});
      it = error_series_.emplace(key, counter).first;
    }
  }
  it->second->Increment();
}

void BarionMetrics::SetTransportStats(const TransportStats& stats) {
  in_use_.Set(stats.connections_in_use);
  idle_.Set(stats.connections_idle);
  waiting_.Set(stats.waiting);
  in_flight_.Set(stats.in_flight);
  const double handshakes = static_cast<double>(stats.tls_handshakes);
  if (handshakes > handshakes_.Value()) handshakes_.Increment(handshakes - handshakes_.Value());
}

}  // namespace barion_gateway::server
