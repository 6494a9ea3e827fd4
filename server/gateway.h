// GatewayServer: the assembled gateway: transport, services, gRPC server (reflection on,
// grpc.health.v1 on, bounded threads), the event store (SQLite in data_dir, or a PostgreSQL
// database replicas share), the callback listener and the processor that turns callbacks into
// events. Used by main and by in-process tests.
#ifndef BARION_GATEWAY_SERVER_GATEWAY_H_
#define BARION_GATEWAY_SERVER_GATEWAY_H_

#include <atomic>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "grpcpp/server.h"
#include "server/admin/admin_server.h"
#include "server/audit/audit_log.h"
#include "server/auth/authenticator.h"
#include "server/barion/http_transport.h"
#include "server/common/secret_redactor.h"
#include "server/config/config.h"
#include "server/events/callback_listener.h"
#include "server/events/callback_processor.h"
#include "server/events/doorbell.h"
#include "server/events/event_hub.h"
#include "server/events/event_store.h"
#include "server/events/observer_fanout.h"
#include "server/events/reconciler.h"
#include "server/events/start_ledger.h"
#include "server/metrics/gateway_metrics.h"
#include "server/operations/payments.h"
#include "server/operations/wallet.h"
#include "server/payment_change_recorder.h"
#include "server/rpc/call_executor.h"
#include "server/rpc/health_service.h"
#include "server/rpc/payment_event_service.h"
#include "server/rpc/payment_service.h"
#include "server/rpc/wallet_service.h"
#include "server/rpc/webhook_service.h"
#include "server/version.h"
#include "server/webhooks/webhook_dispatcher.h"
#include "server/webhooks/webhook_store.h"

namespace barion_gateway::server {

class GatewayServer {
 public:
  // Builds and starts serving. `transport` replaces the HTTPS transport when not null (tests).
  // Returns INVALID_ARGUMENT for a bad setting, UNAVAILABLE when the address cannot be bound.
  static absl::StatusOr<std::unique_ptr<GatewayServer>> Start(
      const Config& config, std::unique_ptr<HttpTransport> transport = nullptr);

  ~GatewayServer();

  // The bound gRPC address, with the real port when the configuration said 0.
  const std::string& grpc_address() const { return grpc_address_; }
  // The bound callback listener address ("host:port").
  const std::string& callback_address() const { return listener_->address(); }
  // The event store (inbox, log, schedule); the hub observes its appends.
  EventStore* event_store() const { return store_.get(); }
  EventHub* event_hub() const { return hub_.get(); }
  HttpTransport* transport() const { return transport_.get(); }
  // The bound admin listener address (/metrics, /healthz, /readyz).
  const std::string& admin_address() const { return admin_->address(); }
  // Webhook delivery (docs/WEBHOOKS.md).
  WebhookDispatcher* webhooks() const { return webhooks_.get(); }
  // The audit log (docs/SECURITY.md); Flush() it to read what was recorded.
  AuditLog* audit_log() const { return audit_.get(); }

  // Applies a reloaded configuration (SIGHUP, docs/SECURITY.md#reloading): the callers, and the
  // shops' POSKeys and the wallets' API keys, without dropping calls in flight or open streams;
  // streams whose caller may no longer read what they subscribed to end with
  // PERMISSION_DENIED (ACCESS_REVOKED). FAILED_PRECONDITION, and nothing changes, when shops or
  // wallets were added or removed (that takes a restart) or the new policy is not allowed on
  // this listener (ValidateExposure). Other settings are not reloaded. Not concurrent with
  // itself.
  absl::Status Reload(const Config& next);

  // Opens the audit log's path again (logrotate moved the file away and sent SIGHUP): records
  // go to the new file from now on. main does it on every SIGHUP, whether the new configuration
  // is accepted or not; a failure is logged and the old file stays in use.
  void ReopenAuditLog();

  // Stops accepting calls and waits up to `grace` for running ones; then cancels them.
  void Shutdown(absl::Duration grace);

 private:
  GatewayServer() = default;
  // The steps of Start, in order; each builds on the ones before.
  absl::Status StartStore(const Config& config);
  absl::Status StartTransport(const Config& config, std::unique_ptr<HttpTransport> transport);
  absl::Status StartPipeline(const Config& config);
  absl::Status StartGrpc(const Config& config);
  // The pipeline's metrics; null when metrics are off.
  PipelineMetrics* pipeline_metrics() const;
  // Reads the stores' backlog into the metrics; false when the store cannot be read.
  bool ReadBacklog() const;
  // What /readyz and barion_gateway_ready say: the store answers, gRPC serves, not draining.
  bool Ready() const;

  std::unique_ptr<EventStore> store_;
  StartLedger* ledger_ = nullptr;  // store_, as the start ledger
  std::unique_ptr<EventHub> hub_;
  // Webhook delivery (docs/WEBHOOKS.md): its store, and the log's observers (hub, webhooks).
  std::unique_ptr<WebhookStore> webhook_store_;
  std::unique_ptr<WebhookDispatcher> webhooks_;
  std::unique_ptr<ObserverFanout> observers_;
  std::unique_ptr<HttpTransport> transport_;
  // Every secret of the configuration (reloads add theirs), blotted out of Barion's answers.
  SecretRedactor redactor_;
  std::unique_ptr<HttpTransport> redacting_transport_;  // transport_, answers without secrets
  std::unique_ptr<HttpTransport> limited_transport_;    // that, within the upstream limit
  Doorbell doorbell_;  // rung when a receipt is recorded; the processor waits on it
  std::unique_ptr<PaymentChangeRecorder> recorder_;
  std::unique_ptr<BarionPayments> payments_;
  std::unique_ptr<BarionWallet> wallet_;
  // As started: what a reload compares against (the shop and wallet names) and keeps (the
  // listener's settings). The policy and keys in force are in auth_, payments_ and wallet_.
  Config config_;
  std::unique_ptr<AuthenticatorHolder> auth_;
  std::unique_ptr<AuditLog> audit_;
  std::unique_ptr<GatewayMetrics> metrics_;
  std::unique_ptr<AdminServer> admin_;
  // Runs the PaymentService's handlers; outlives server_, which waits for their calls at shutdown.
  std::unique_ptr<CallExecutor> executor_;
  std::unique_ptr<PaymentServiceImpl> payment_service_;
  std::unique_ptr<PaymentEvents> payment_events_;
  std::unique_ptr<PaymentEventServiceImpl> event_service_;
  std::unique_ptr<WalletServiceImpl> wallet_service_;
  std::unique_ptr<WebhookAdmin> webhook_admin_;
  std::unique_ptr<WebhookServiceImpl> webhook_service_;
  std::unique_ptr<HealthService> health_;
  std::unique_ptr<CallbackProcessor> processor_;
  std::unique_ptr<Reconciler> reconciler_;
  std::unique_ptr<CallbackListener> listener_;
  std::unique_ptr<grpc::Server> server_;
  std::string grpc_address_;
  int grpc_port_ = 0;
  bool shut_down_ = false;
  std::atomic<bool> shutting_down_{false};  // read by the admin listener's /readyz
};

}  // namespace barion_gateway::server

#endif  // BARION_GATEWAY_SERVER_GATEWAY_H_
