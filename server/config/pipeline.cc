// The event pipeline's sections: reconciliation (when the gateway asks Barion itself),
// subscriptions (the streams' heartbeat, buffers and limits) and callbacks (the inbox).
#include "server/config/sections.h"

namespace barion_gateway::server::config_internal {

namespace cfg = ::barion::gateway::config::v1;

absl::Status ParsePipeline(const GatewayConfigFile& file, const std::string& source,
                           Config* config) {
  const cfg::Reconciliation& rec = file.reconciliation();
  absl::Status status = SetDuration(source, "reconciliation.first_check", rec.has_first_check(),
                                    rec.first_check(), absl::Seconds(1), absl::Hours(1),
                                    "must be between 1s and 1h", &config->reconcile_first_check);
  if (rec.has_max_interval()) config->reconcile_max_interval = DurationOf(rec.max_interval());
  if (config->reconcile_max_interval < config->reconcile_first_check ||
      config->reconcile_max_interval > absl::Hours(24)) {
    status.Update(
        Bad(source, "reconciliation.max_interval", "must be between first_check and 24h"));
  }
  const cfg::Subscriptions& subs = file.subscriptions();
  status.Update(SetDuration(source, "subscriptions.heartbeat_interval",
                            subs.has_heartbeat_interval(), subs.heartbeat_interval(),
                            absl::Seconds(1), absl::Minutes(10), "must be between 1s and 10m",
                            &config->heartbeat_interval));
  status.Update(SetDuration(source, "subscriptions.write_timeout", subs.has_write_timeout(),
                            subs.write_timeout(), absl::Seconds(1), absl::Minutes(10),
                            "must be between 1s and 10m", &config->subscriber_write_timeout));
  status.Update(SetNumber(source, "subscriptions.buffer_events", int64_t{subs.buffer_events()}, 16,
                          100000, "must be between 16 and 100000",
                          &config->subscriber_buffer_events));
  status.Update(SetNumber(source, "subscriptions.max_subscribers_per_client",
                          int64_t{subs.max_subscribers_per_client()}, 1, 100000,
                          "must be between 1 and 100000", &config->max_subscribers_per_client));
  status.Update(SetNumber(source, "subscriptions.max_subscribers", int64_t{subs.max_subscribers()},
                          1, 100000, "must be between 1 and 100000", &config->max_subscribers));
  const cfg::Callbacks& cb = file.callbacks();
  status.Update(SetNumber(source, "callbacks.unknown_payment_fetches_per_second",
                          cb.unknown_payment_fetches_per_second(), 0.1, 100.0,
                          "must be between 0.1 and 100",
                          &config->unknown_payment_fetches_per_second));
  status.Update(SetDuration(source, "callbacks.inbox_retention", cb.has_inbox_retention(),
                            cb.inbox_retention(), absl::Hours(1), absl::Hours(24 * 365),
                            "must be between 1h and 365 days", &config->inbox_retention));
  return status;
}

}  // namespace barion_gateway::server::config_internal
