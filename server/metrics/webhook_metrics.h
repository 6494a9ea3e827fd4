// WebhookMetrics: webhook delivery per endpoint (docs/OPERATIONS.md, "Webhooks"; the alerts in
// deploy/prometheus/alerts.yml):
//   barion_gateway_webhook_attempts_total{endpoint,result}  delivered, failed (retried later),
//                                                            dead_letter (the last one failed)
//   barion_gateway_webhook_attempt_seconds{endpoint}         one attempt's time
//   barion_gateway_webhook_backlog_events{endpoint}          log events after its position
//   barion_gateway_webhook_oldest_age_seconds{endpoint}      age of the oldest undelivered one
//   barion_gateway_webhook_dead_letters{endpoint}            deliveries waiting for an operator
// An endpoint's series appear when it is delivered here and go when it is removed or another
// replica takes it over. Thread-safe.
#ifndef BARION_GATEWAY_SERVER_METRICS_WEBHOOK_METRICS_H_
#define BARION_GATEWAY_SERVER_METRICS_WEBHOOK_METRICS_H_

#include <cstdint>
#include <map>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "prometheus/counter.h"
#include "prometheus/family.h"
#include "prometheus/gauge.h"
#include "prometheus/histogram.h"
#include "prometheus/registry.h"

namespace barion_gateway::server {

enum class WebhookResult { kDelivered, kFailed, kDeadLetter };

class WebhookMetrics {
 public:
  explicit WebhookMetrics(prometheus::Registry& registry);

  void Attempted(const std::string& endpoint, WebhookResult result, absl::Duration took);
  // The endpoint's series, for a caller that counts often (a runner): valid until Forget.
  class Series;
  Series* SeriesOf(const std::string& endpoint);
  static void Attempted(Series* series, WebhookResult result, absl::Duration took);
  void SetState(const std::string& endpoint, int64_t backlog, absl::Duration oldest_age,
                int64_t dead_letters);
  void Forget(const std::string& endpoint);

  class Series {
   public:
    prometheus::Counter* delivered;
    prometheus::Counter* failed;
    prometheus::Counter* dead_letter;
    prometheus::Histogram* seconds;
    prometheus::Gauge* backlog;
    prometheus::Gauge* oldest_age;
    prometheus::Gauge* dead_letters;
  };

 private:
  Series& Of(const std::string& endpoint) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  prometheus::Family<prometheus::Counter>& attempts_;
  prometheus::Family<prometheus::Histogram>& seconds_;
  prometheus::Family<prometheus::Gauge>& backlog_;
  prometheus::Family<prometheus::Gauge>& oldest_age_;
  prometheus::Family<prometheus::Gauge>& dead_letters_;
  absl::Mutex mu_;
  std::map<std::string, Series> series_ ABSL_GUARDED_BY(mu_);
};

}  // namespace barion_gateway::server

#endif  // BARION_GATEWAY_SERVER_METRICS_WEBHOOK_METRICS_H_
