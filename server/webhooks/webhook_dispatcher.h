// WebhookDispatcher: webhook delivery for the gateway (docs/WEBHOOKS.md). It is an observer of
// the event log (through ObserverFanout, beside the hub): each appended event goes into
// RecentEvents and wakes the endpoints' runners. A maintenance thread, every 200 ms:
//   - holds a claim on each configured endpoint in the WebhookStore (renewed every third of the
//     lease; on one process always granted): while it holds one, the endpoint's EndpointRunner
//     delivers from the stored position; a claim lost (another replica took it after this one
//     could not renew) stops the runner without saving;
//   - carries out replays operators asked for (on renewal, or at once on the replica asked);
//   - saves the runners' positions and sets the metrics.
// Reload swaps the endpoints (SIGHUP): a new or changed endpoint starts anew, a removed one stops
// and gives its claim up. The operators' calls (Endpoints, DeadLetters, RetryDeadLetter,
// Replay, SendTest) are thread-safe.
#ifndef BARION_GATEWAY_SERVER_WEBHOOKS_WEBHOOK_DISPATCHER_H_
#define BARION_GATEWAY_SERVER_WEBHOOKS_WEBHOOK_DISPATCHER_H_

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "server/events/event_log.h"
#include "server/metrics/webhook_metrics.h"
#include "server/webhooks/endpoint_config.h"
#include "server/webhooks/endpoint_runner.h"
#include "server/webhooks/recent_events.h"
#include "server/webhooks/webhook_sender.h"
#include "server/webhooks/webhook_store.h"

namespace barion_gateway::server {

// One endpoint as operators see it.
struct WebhookEndpointStatus {
  std::string name;
  std::string url;
  bool delivering_here = false;  // this replica holds the endpoint's claim
  std::string position;          // cursor text; "" before the first save
  EndpointRunner::State state;   // when delivering_here
  int64_t dead_letters = 0;
};

class WebhookDispatcher final : public EventLogObserver {
 public:
  using SenderFactory = std::function<absl::StatusOr<std::shared_ptr<WebhookSender>>(
      const WebhookEndpointConfig& endpoint)>;
  struct Options {
    std::string owner = "gateway";  // this replica's name in claims
    absl::Duration claim_lease = absl::Seconds(30);
    absl::Duration tick = absl::Milliseconds(200);
    size_t recent_events = 4096;
    WebhookMetrics* metrics = nullptr;  // not owned; may be null
    // Makes an endpoint's sender; unset: HttpWebhookSender.
    SenderFactory make_sender;
  };

  // `log` and `store` are not owned and must outlive the dispatcher.
  WebhookDispatcher(EventLog* log, WebhookStore* store, Options options);
  ~WebhookDispatcher() override;

  // Checks the endpoints (their senders), reads where the log stands and starts the maintenance
  // thread. INVALID_ARGUMENT naming an endpoint whose URL is refused; UNAVAILABLE when the log
  // cannot be read.
  absl::Status Start(const WebhooksConfig& config);
  // Swaps the configuration; on error (an endpoint refused) nothing changes.
  absl::Status Reload(const WebhooksConfig& config);
  // Stops every runner (saving positions) and gives the claims up.
  void Stop();

  // EventLogObserver.
  void EventAppended(const EventCursor& cursor, const barion::v1::PaymentEvent& event) override;

  // The operators' view and actions. NOT_FOUND for an endpoint not configured.
  std::vector<WebhookEndpointStatus> Endpoints();
  absl::StatusOr<std::vector<DeadLetter>> DeadLetters(const std::string& endpoint, int limit);
  // One attempt of a dead letter now; delivered: it is removed; else it stays with the new error.
  absl::StatusOr<WebhookAttempt> RetryDeadLetter(const std::string& endpoint,
                                                 const std::string& cursor);
  // The endpoint restarts after `cursor` (owned by the log, not after its head).
  absl::Status Replay(const std::string& endpoint, const std::string& cursor);
  // One test delivery (type "webhook.test", payment id "test") now; `id` gets its webhook-id.
  absl::StatusOr<WebhookAttempt> SendTest(const std::string& endpoint, std::string* id = nullptr);
  // The endpoint's deliveries being retried here (empty where another replica delivers it).
  absl::StatusOr<std::vector<EndpointRunner::Retrying>> Retrying(const std::string& endpoint,
                                                                 size_t limit);
  // The endpoint's configuration (its shops, for authorization); NOT_FOUND when not configured.
  absl::StatusOr<WebhookEndpointConfig> EndpointConfig(const std::string& endpoint);

 private:
  struct Endpoint {
    WebhookEndpointConfig config;
    std::shared_ptr<WebhookSender> sender;
    // Set while this replica holds the claim; replaced under mu_ by Tick only.
    std::shared_ptr<EndpointRunner> runner;
    absl::Time claim_renew_at = absl::InfinitePast();  // Tick only
    absl::Time claim_expires = absl::InfinitePast();   // Tick only
    int64_t dead_letters = 0;                          // counted on renewal
  };

  absl::StatusOr<std::map<std::string, std::shared_ptr<Endpoint>>> Build(
      const WebhooksConfig& config);
  void Maintain();
  void Tick();
  // Claims, starts or stops `e`'s runner; applies a pending replay.
  void Hold(Endpoint& e, absl::Time now);
  // Stops `e`'s runner, saving its position, and gives up the claim; false when it had none.
  bool Retire(Endpoint& e);
  absl::StatusOr<EventCursor> StartPosition(const std::string& endpoint);
  std::shared_ptr<Endpoint> Find(const std::string& name);
  static bool SameDelivery(const WebhookEndpointConfig& a, const WebhookEndpointConfig& b);

  EventLog* const log_;
  WebhookStore* const store_;
  const Options options_;
  RecentEvents recent_;

  absl::Mutex mu_;  // the endpoint map; a runner is started and stopped by Tick only
  std::map<std::string, std::shared_ptr<Endpoint>> endpoints_ ABSL_GUARDED_BY(mu_);
  std::vector<std::shared_ptr<Endpoint>> retired_ ABSL_GUARDED_BY(mu_);
  std::vector<absl::Duration> retry_delays_ ABSL_GUARDED_BY(mu_);
  absl::Mutex tick_mu_;  // one Tick at a time (the thread, an operator's replay)
  absl::Notification stop_;
  std::thread maintainer_;
};

}  // namespace barion_gateway::server

#endif  // BARION_GATEWAY_SERVER_WEBHOOKS_WEBHOOK_DISPATCHER_H_
