#include "server/metrics/webhook_metrics.h"

#include "server/metrics/buckets.h"

namespace barion_gateway::server {

WebhookMetrics::WebhookMetrics(prometheus::Registry& registry)
    : attempts_(prometheus::BuildCounter()
                    .Name("barion_gateway_webhook_attempts_total")
                    .Help("Webhook delivery attempts by endpoint and result: delivered, failed "
                          "(retried later), dead_letter (the last attempt failed).")
                    .Register(registry)),
      seconds_(prometheus::BuildHistogram()
                   .Name("barion_gateway_webhook_attempt_seconds")
                   .Help("Time of one webhook delivery attempt, in seconds.")
                   .Register(registry)),
      backlog_(prometheus::BuildGauge()
                   .Name("barion_gateway_webhook_backlog_events")
                   .Help("Events of the log after the endpoint's position (not yet delivered).")
                   .Register(registry)),
      oldest_age_(prometheus::BuildGauge()
                      .Name("barion_gateway_webhook_oldest_age_seconds")
                      .Help("Age of the oldest event not yet delivered to the endpoint (0: none).")
                      .Register(registry)),
      dead_letters_(prometheus::BuildGauge()
                        .Name("barion_gateway_webhook_dead_letters")
                        .Help("Deliveries whose every attempt failed, waiting for an operator.")
                        .Register(registry)) {}

WebhookMetrics::Series& WebhookMetrics::Of(const std::string& endpoint) {
  auto it = series_.find(endpoint);
  if (it != series_.end()) return it->second;
  Series s;
  s.delivered = &attempts_.Add({{"endpoint", endpoint}, {"result", "delivered"}});
  s.failed = &attempts_.Add({{"endpoint", endpoint}, {"result", "failed"}});
  s.dead_letter = &attempts_.Add({{"endpoint", endpoint}, {"result", "dead_letter"}});
  s.seconds = &seconds_.Add({{"endpoint", endpoint}}, LatencyBuckets());
  s.backlog = &backlog_.Add({{"endpoint", endpoint}});
  s.oldest_age = &oldest_age_.Add({{"endpoint", endpoint}});
  s.dead_letters = &dead_letters_.Add({{"endpoint", endpoint}});
  return series_.emplace(endpoint, s).first->second;
}

void WebhookMetrics::Attempted(const std::string& endpoint, WebhookResult result,
                               absl::Duration took) {
  Attempted(SeriesOf(endpoint), result, took);
}

WebhookMetrics::Series* WebhookMetrics::SeriesOf(const std::string& endpoint) {
  absl::MutexLock lock(&mu_);
  return &Of(endpoint);  // std::map nodes stay put until erased
}

void WebhookMetrics::Attempted(Series* s, WebhookResult result, absl::Duration took) {
  switch (result) {
    case WebhookResult::kDelivered:
      s->delivered->Increment();
      break;
    case WebhookResult::kFailed:
      s->failed->Increment();
      break;
    case WebhookResult::kDeadLetter:
      s->dead_letter->Increment();
      break;
  }
  s->seconds->Observe(absl::ToDoubleSeconds(took));
}

void WebhookMetrics::SetState(const std::string& endpoint, int64_t backlog,
                              absl::Duration oldest_age, int64_t dead_letters) {
  absl::MutexLock lock(&mu_);
  Series& s = Of(endpoint);
  s.backlog->Set(static_cast<double>(backlog));
  s.oldest_age->Set(absl::ToDoubleSeconds(oldest_age));
  s.dead_letters->Set(static_cast<double>(dead_letters));
}

void WebhookMetrics::Forget(const std::string& endpoint) {
  absl::MutexLock lock(&mu_);
  auto it = series_.find(endpoint);
  if (it == series_.end()) return;
  const Series& s = it->second;
  attempts_.Remove(s.delivered);
  attempts_.Remove(s.failed);
  attempts_.Remove(s.dead_letter);
  seconds_.Remove(s.seconds);
  backlog_.Remove(s.backlog);
  oldest_age_.Remove(s.oldest_age);
  dead_letters_.Remove(s.dead_letters);
  series_.erase(it);
}

}  // namespace barion_gateway::server
