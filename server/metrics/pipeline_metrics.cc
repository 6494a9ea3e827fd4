#include "server/metrics/pipeline_metrics.h"

#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/strip.h"
#include "prometheus/counter.h"
#include "server/metrics/buckets.h"

namespace barion_gateway::server {
namespace {

namespace v1 = ::barion::v1;

prometheus::Gauge& Gauge(prometheus::Registry& registry, const std::string& name,
                         const std::string& help) {
  return prometheus::BuildGauge().Name(name).Help(help).Register(registry).Add({});
}

prometheus::Counter& Counter(prometheus::Registry& registry, const std::string& name,
                             const std::string& help) {
  return prometheus::BuildCounter().Name(name).Help(help).Register(registry).Add({});
}

prometheus::Histogram& Histogram(prometheus::Registry& registry, const std::string& name,
                                 const std::string& help,
                                 const prometheus::Histogram::BucketBoundaries& buckets) {
  return prometheus::BuildHistogram().Name(name).Help(help).Register(registry).Add({}, buckets);
}

// "callback" for EVENT_SOURCE_CALLBACK: the label value of every source but the unspecified one.
std::vector<std::string> SourceNames() {
  std::vector<std::string> names;
  const google::protobuf::EnumDescriptor* sources = v1::EventSource_descriptor();
  for (int i = 0; i < sources->value_count(); ++i) {
    absl::string_view name = sources->value(i)->name();
    absl::ConsumePrefix(&name, "EVENT_SOURCE_");
    names.push_back(absl::AsciiStrToLower(name));
  }
  return names;
}

}  // namespace

PipelineMetrics::PipelineMetrics(prometheus::Registry& registry)
    : received_(registry, "barion_gateway_callbacks_received_total",
                "Callback requests answered by the callback listener, by result.", "result",
                {"accepted", "bad_request", "unknown_shop", "wrong_secret", "method_not_allowed",
                 "not_recorded", "source_refused", "tls_failed"}),
      ack_seconds_(Histogram(registry, "barion_gateway_callback_ack_seconds",
                             "From a callback's arrival to its durable record, in seconds.",
                             LatencyBuckets())),
      processed_(
          registry, "barion_gateway_callbacks_processed_total",
          "Recorded callbacks processed, by what they led to.", "result",
          {"event", "duplicate", "unknown_payment", "over_budget", "fetch_failed", "store_error"}),
      to_event_seconds_(Histogram(registry, "barion_gateway_callback_to_event_seconds",
                                  "From a callback's arrival to the event it caused, in seconds.",
                                  PipelineBuckets())),
      inbox_backlog_(Gauge(registry, "barion_gateway_callback_inbox_backlog",
                           "Recorded callbacks (and RPC-made changes) not yet processed.")),
      inbox_oldest_age_(Gauge(registry, "barion_gateway_callback_inbox_oldest_age_seconds",
                              "Age of the oldest unprocessed receipt, in seconds (0: none).")),
      appended_(registry, "barion_gateway_events_appended_total",
                "Payment events appended to the event log, by source.", "source", SourceNames()),
      subscribers_(Gauge(registry, "barion_gateway_event_subscribers",
                         "SubscribePaymentEvents streams open.")),
      delivered_(Counter(registry, "barion_gateway_event_messages_delivered_total",
                         "Events written to subscribers' streams (heartbeats not counted).")),
      dropped_(Counter(registry, "barion_gateway_event_subscribers_dropped_total",
                       "Streams ended because their subscriber did not keep up.")),
      replay_reads_(Counter(registry, "barion_gateway_event_replay_reads_total",
                            "Event store reads for streams catching up.")),
      store_errors_(registry, "barion_gateway_event_store_errors_total",
                    "Event store operations that failed, by operation.", "operation",
                    {"append", "read", "inbox", "schedule"}),
      checks_(registry, "barion_gateway_reconciler_checks_total",
              "Payment state checks made by the reconciler, by result.", "result",
              {"changed", "unchanged", "unknown_payment", "fetch_failed", "store_error"}),
      watched_(Gauge(registry, "barion_gateway_reconciler_watched_payments",
                     "Payments the reconciler watches until they are final.")),
      oldest_overdue_(Gauge(registry, "barion_gateway_reconciler_oldest_overdue_seconds",
                            "How far past its due time the most overdue check is, in seconds.")),
      store_up_(Gauge(registry, "barion_gateway_event_store_up",
                      "1 when the event store answered the scrape's reads, else 0.")) {}

void PipelineMetrics::SetInbox(int64_t backlog, absl::Duration oldest_age) {
  inbox_backlog_.Set(static_cast<double>(backlog));
  inbox_oldest_age_.Set(absl::ToDoubleSeconds(std::max(oldest_age, absl::ZeroDuration())));
}

void PipelineMetrics::Appended(v1::EventSource source) {
  const google::protobuf::EnumDescriptor* sources = v1::EventSource_descriptor();
  const google::protobuf::EnumValueDescriptor* value = sources->FindValueByNumber(source);
  appended_.Add(value == nullptr ? -1 : value->index());
}

void PipelineMetrics::SetWatched(int64_t watched, absl::Duration oldest_overdue) {
  watched_.Set(static_cast<double>(watched));
  oldest_overdue_.Set(absl::ToDoubleSeconds(std::max(oldest_overdue, absl::ZeroDuration())));
}

}  // namespace barion_gateway::server
