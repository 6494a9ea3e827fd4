#include "server/gateway.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <random>
#include <set>
#include <sstream>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/descriptor.h"
#include "grpcpp/ext/proto_server_reflection_plugin.h"
#include "grpcpp/resource_quota.h"
#include "grpcpp/security/server_credentials.h"
#include "grpcpp/security/tls_certificate_provider.h"
#include "grpcpp/security/tls_credentials_options.h"
#include "grpcpp/server_builder.h"
#include "server/barion/httplib_transport.h"
#include "server/barion/limited_transport.h"
#include "server/barion/redacting_transport.h"
#include "server/common/log.h"
#include "server/common/loopback.h"
#include "server/events/postgres/pg_event_store.h"
#include "server/events/sqlite/data_dir_store.h"
#include "server/http/tls_context.h"
#include "server/operations/catalog.h"
#include "server/webhooks/pg_webhook_store.h"
#include "server/webhooks/sqlite_webhook_store.h"

namespace barion_gateway::server {
namespace {

absl::Status MakeDirs(const std::string& path) {
  std::string partial;
  for (size_t i = 0; i <= path.size(); ++i) {
    if (i == path.size() || (path[i] == '/' && i > 0)) {
      partial = path.substr(0, i);
      if (::mkdir(partial.c_str(), 0700) != 0 && errno != EEXIST) {
        return absl::InvalidArgumentError(
            absl::StrCat("data_dir: cannot create ", partial, ": ", std::strerror(errno)));
      }
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> ReadFile(const std::string& path, const std::string& setting) {
  std::ifstream in(path);
  if (!in) return absl::InvalidArgumentError(absl::StrCat(setting, ": cannot read ", path));
  std::stringstream content;
  content << in.rdbuf();
  return content.str();
}

// The PostgreSQL store's options; this process's name in claims is unique among replicas (the
// host, the process id, and a random part for a restart that reuses the id).
postgres::PgEventStore::Options PostgresOptions(const PostgresStoreConfig& config,
                                                const std::string& owner) {
  postgres::PgEventStore::Options options;
  options.pool.settings = {config.dsn, config.password};
  options.pool.size = config.pool_size;
  options.claim_lease = config.claim_lease;
  options.owner = owner;
  return options;
}

std::string ReplicaName() {
  char host[256] = {0};
  ::gethostname(host, sizeof(host) - 1);
  std::random_device random;
  return absl::StrCat(host, ":", ::getpid(), ":", absl::Hex(random(), absl::kZeroPad8));
}

}  // namespace

absl::StatusOr<std::unique_ptr<GatewayServer>> GatewayServer::Start(
    const Config& config, std::unique_ptr<HttpTransport> transport) {
  std::unique_ptr<GatewayServer> gateway(new GatewayServer());
  gateway->config_ = config;
  if (absl::Status s = ValidateListenAddress(config.grpc_address, "grpc_address"); !s.ok()) {
    return s;
  }
  if (absl::Status s = ValidateExposure(config); !s.ok()) return s;
  if (config.metrics_enabled) {
    gateway->metrics_ =
        std::make_unique<GatewayMetrics>(kGatewayVersion, GatewayCommit(), CatalogEndpoints());
  }
  // The layers, each built on what exists already (docs/ARCHITECTURE.md).
  if (absl::Status s = gateway->StartStore(config); !s.ok()) return s;
  if (absl::Status s = gateway->StartTransport(config, std::move(transport)); !s.ok()) return s;
  if (absl::Status s = gateway->StartPipeline(config); !s.ok()) return s;
  if (absl::Status s = gateway->StartGrpc(config); !s.ok()) return s;
  return gateway;
}

absl::Status GatewayServer::StartStore(const Config& config) {
  if (absl::Status s = MakeDirs(config.data_dir); !s.ok()) return s;
  const std::string replica = ReplicaName();
  if (config.postgres.has_value()) {
    absl::StatusOr<std::unique_ptr<postgres::PgEventStore>> store =
        postgres::PgEventStore::Open(PostgresOptions(*config.postgres, replica));
    if (!store.ok()) return store.status();
    ledger_ = store->get();
    webhook_store_ = std::make_unique<PgWebhookStore>((*store)->pool());
    store_ = *std::move(store);
  } else {
    absl::StatusOr<std::unique_ptr<SqliteEventStore>> store =
        OpenStoreInDataDir(config.data_dir, config.new_event_store);
    if (!store.ok()) return store.status();
    ledger_ = store->get();
    store_ = *std::move(store);
    absl::StatusOr<std::unique_ptr<SqliteWebhookStore>> webhooks =
        SqliteWebhookStore::Open(config.data_dir + "/webhooks.db");
    if (!webhooks.ok()) return webhooks.status();
    webhook_store_ = *std::move(webhooks);
  }
  EventHub::Options hub_options;
  hub_options.heartbeat_interval = config.heartbeat_interval;
  hub_options.buffer_events = config.subscriber_buffer_events;
  hub_options.max_subscribers = config.max_subscribers;
  hub_options.max_subscribers_per_client = config.max_subscribers_per_client;
  hub_options.write_timeout = config.subscriber_write_timeout;
  hub_options.metrics = pipeline_metrics();
  hub_ = std::make_unique<EventHub>(store_.get(), hub_options);
  if (absl::Status s = hub_->Start(); !s.ok()) return s;
  WebhookDispatcher::Options webhooks;
  webhooks.owner = replica;
  webhooks.claim_lease =
      config.postgres.has_value() ? config.postgres->claim_lease : absl::Seconds(30);
  webhooks.metrics = metrics_ != nullptr ? &metrics_->webhooks() : nullptr;
  webhooks_ = std::make_unique<WebhookDispatcher>(store_.get(), webhook_store_.get(), webhooks);
  // The hub and webhook delivery learn of every append from the log itself (with PostgreSQL, of
  // every replica's, from the newest cursor the hub read at its start).
  observers_ =
      std::make_unique<ObserverFanout>(std::vector<EventLogObserver*>{hub_.get(), webhooks_.get()});
  store_->SetObserver(observers_.get());
  return webhooks_->Start(config.webhooks);
}

absl::Status GatewayServer::StartTransport(const Config& config,
                                           std::unique_ptr<HttpTransport> transport) {
  if (transport == nullptr) {
    HttplibTransport::Options options;
    options.base_url = config.barion_base_url;
    options.ca_file = config.barion_ca_file;
    options.max_connections = config.max_connections;
    absl::StatusOr<std::unique_ptr<HttplibTransport>> created =
        HttplibTransport::Create(std::move(options));
    if (!created.ok()) return created.status();
    transport = *std::move(created);
  }
  transport_ = std::move(transport);
  redactor_.Add(SecretsOf(config));
  redacting_transport_ = std::make_unique<RedactingTransport>(transport_.get(), &redactor_);
  // Calls waiting on Barion may take all but an eighth (at least 8, which also covers gRPC's own
  // polling threads) of the gRPC threads; the rest stay free for calls that never reach Barion.
  const int reserved = std::max(8, config.max_concurrent_calls / 8);
  limited_transport_ = std::make_unique<LimitedTransport>(
      redacting_transport_.get(), std::max(1, config.max_concurrent_calls - reserved));
  if (metrics_ != nullptr) {
    metrics_->AddScrapeHook(
        [this] { metrics_->barion().SetTransportStats(limited_transport_->Stats()); });
  }
  return absl::OkStatus();
}

// The operations report changes to the recorder (stores and a doorbell); the listener records
// callbacks and rings the doorbell; the processor and the reconciler fetch states through the
// operations.
absl::Status GatewayServer::StartPipeline(const Config& config) {
  EventStore* const events = store_.get();
  recorder_ = std::make_unique<PaymentChangeRecorder>(events, events, &doorbell_,
                                                      config.reconcile_first_check);
  // Every shop has a callback secret: configured, or derived from its POSKey.
  const std::vector<ShopConfig> shops = WithCallbackSecrets(config.shops);
  CallbackListener::Options listen;
  listen.address = config.callback_address;
  listen.metrics = pipeline_metrics();
  // Checked by ParseConfig; a Config built in code is checked here.
  absl::StatusOr<NetworkList> sources = NetworkList::Parse(config.callback_allowed_sources);
  if (!sources.ok()) return sources.status();
  absl::StatusOr<NetworkList> proxies = NetworkList::Parse(config.callback_trusted_proxies);
  if (!proxies.ok()) return proxies.status();
  listen.allowed_sources = *std::move(sources);
  listen.trusted_proxies = *std::move(proxies);
  if (!config.callback_tls_cert_file.empty() || !config.callback_tls_key_file.empty()) {
    ReloadingTlsContext::Files files;
    files.cert_file = config.callback_tls_cert_file;
    files.key_file = config.callback_tls_key_file;
    files.cert_setting = "listen.callback_tls_cert_file";
    files.key_setting = "listen.callback_tls_key_file";
    files.refresh_interval = config.tls_refresh_interval;
    absl::StatusOr<std::unique_ptr<ReloadingTlsContext>> tls = ReloadingTlsContext::Load(files);
    if (!tls.ok()) return tls.status();
    listen.http.tls = *std::move(tls);
  } else if (!IsLoopbackAddress(config.callback_address) &&
             config.callback_trusted_proxies.empty()) {
    LogWarning(
        "the callback listener speaks plain HTTP on an address other machines can reach, and "
        "no listen.callback_trusted_proxies are set: Barion calls only https:// callback URLs. "
        "Put a TLS proxy in front, or set listen.callback_tls_cert_file and "
        "listen.callback_tls_key_file (docs/CONFIGURATION.md)");
  }
  for (const ShopConfig& shop : shops) listen.shop_secrets[shop.name] = shop.callback_secrets;
  const bool listen_tls = listen.http.tls != nullptr;
  Doorbell* const doorbell = &doorbell_;
  absl::StatusOr<std::unique_ptr<CallbackListener>> listener =
      CallbackListener::Start(listen, events, [doorbell] { doorbell->Ring(); });
  if (!listener.ok()) return listener.status();
  listener_ = *std::move(listener);
  BarionPayments::Options payments;
  payments.shops = shops;
  payments.callback_base_url = config.callback_public_base_url;
  if (config.callback_to_listener) {
    payments.callback_base_url =
        absl::StrCat(listen_tls ? "https://" : "http://", listener_->address());
  }
  payments.start_ledger = ledger_;
  payments.knows_payment = [events](const std::string& shop, const std::string& payment_id) {
    return events->KnowsPayment(shop, payment_id);
  };
  payments.observer = recorder_.get();
  BarionCallObserver* const barion_observer = metrics_ != nullptr ? &metrics_->barion() : nullptr;
  payments.barion_observer = barion_observer;
  payments.metrics = metrics_ != nullptr ? &metrics_->operations() : nullptr;
  payments_ = std::make_unique<BarionPayments>(std::move(payments), limited_transport_.get());
  wallet_ =
      std::make_unique<BarionWallet>(config.wallets, limited_transport_.get(), barion_observer);

  CallbackProcessor::Options processing;
  processing.unknown_fetches_per_second = config.unknown_payment_fetches_per_second;
  processing.unknown_fetch_burst =
      std::max(1, static_cast<int>(config.unknown_payment_fetches_per_second * 5));
  processing.inbox_retention = config.inbox_retention;
  processing.metrics = pipeline_metrics();
  processor_ = std::make_unique<CallbackProcessor>(events, payments_.get(), processing, &doorbell_);
  Reconciler::Options reconcile;
  reconcile.first_check = config.reconcile_first_check;
  reconcile.max_interval = config.reconcile_max_interval;
  reconcile.tick = std::min(absl::Seconds(1), config.reconcile_first_check);
  reconcile.metrics = pipeline_metrics();
  reconciler_ = std::make_unique<Reconciler>(events, events, payments_.get(), reconcile);
  processor_->Start();
  reconciler_->Start();
  if (metrics_ != nullptr) metrics_->AddScrapeHook([this] { metrics_->SetReady(Ready()); });
  return absl::OkStatus();
}

bool GatewayServer::Ready() const {
  // The store is read (and the backlog gauges set) even while draining.
  const bool store_up = ReadBacklog();
  return store_up && server_ != nullptr && !shutting_down_.load();
}

PipelineMetrics* GatewayServer::pipeline_metrics() const {
  return metrics_ != nullptr ? &metrics_->pipeline() : nullptr;
}

bool GatewayServer::ReadBacklog() const {
  absl::StatusOr<PipelineBacklog> backlog = store_->Backlog();
  PipelineMetrics* metrics = pipeline_metrics();
  if (metrics == nullptr) return backlog.ok();
  metrics->SetStoreUp(backlog.ok());
  if (!backlog.ok()) return false;
  const absl::Time now = absl::Now();
  metrics->SetInbox(backlog->inbox,
                    backlog->inbox == 0 ? absl::ZeroDuration() : now - backlog->oldest_receipt);
  metrics->SetWatched(backlog->watched,
                      backlog->watched == 0 ? absl::ZeroDuration() : now - backlog->earliest_check);
  return true;
}

namespace {

// The gRPC listener's credentials: plaintext, or TLS whose files are re-read when they change
// (certificates rotate without a restart), asking for client certificates verified against
// tls_client_ca_file when it is set (docs/SECURITY.md).
std::shared_ptr<grpc::ServerCredentials> ListenerCredentials(const Config& config) {
  if (config.tls_cert_file.empty()) {
    // Plaintext gRPC is for loopback (ValidateExposure refuses it elsewhere without callers).
    return grpc::InsecureServerCredentials();
  }
  const auto refresh = static_cast<unsigned int>(
      std::max<int64_t>(1, absl::ToInt64Seconds(config.tls_refresh_interval)));
  auto provider =
      config.tls_client_ca_file.empty()
          ? std::make_shared<grpc::experimental::FileWatcherCertificateProvider>(
                config.tls_key_file, config.tls_cert_file, refresh)
          : std::make_shared<grpc::experimental::FileWatcherCertificateProvider>(
                config.tls_key_file, config.tls_cert_file, config.tls_client_ca_file, refresh);
  grpc::experimental::TlsServerCredentialsOptions options(provider);
  options.watch_identity_key_cert_pairs();
  if (config.tls_client_ca_file.empty()) {
    options.set_cert_request_type(GRPC_SSL_DONT_REQUEST_CLIENT_CERTIFICATE);
  } else {
    options.watch_root_certs();
    options.set_cert_request_type(config.require_client_certificate
                                      ? GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY
                                      : GRPC_SSL_REQUEST_CLIENT_CERTIFICATE_AND_VERIFY);
  }
  return grpc::experimental::TlsServerCredentials(options);
}

// The TLS files must be readable at start: the file watcher would otherwise only log.
absl::Status CheckTlsFiles(const Config& config) {
  if (config.tls_cert_file.empty()) return absl::OkStatus();
  for (const auto& [path, setting] :
       {std::pair<const std::string&, const char*>{config.tls_cert_file, "listen.tls_cert_file"},
        {config.tls_key_file, "listen.tls_key_file"},
        {config.tls_client_ca_file, "listen.tls_client_ca_file"}}) {
    if (path.empty()) continue;
    absl::StatusOr<std::string> content = ReadFile(path, setting);
    if (!content.ok()) return content.status();
  }
  return absl::OkStatus();
}

}  // namespace

// The services adapt the operations (and the event log) to gRPC; every call is authenticated
// by the policy in auth_.
absl::Status GatewayServer::StartGrpc(const Config& config) {
  auth_ =
      std::make_unique<AuthenticatorHolder>(std::make_shared<const Authenticator>(config.callers));
  if (config.allow_unauthenticated_insecure) {
    LogWarning(
        "listen.allow_unauthenticated_insecure is set: the gateway may serve callers it does not "
        "authenticate, or bearer tokens without TLS, on an address other machines can reach");
  }
  if (!auth_->Current()->enabled()) {
    LogInfo(
        "no callers are configured: authentication is off (every gRPC call may do "
        "everything)");
  }
  AuditLog::Options audit;
  audit.path =
      config.audit_path.empty() ? absl::StrCat(config.data_dir, "/audit.log") : config.audit_path;
  audit.flush_interval = config.audit_flush_interval;
  if (metrics_ != nullptr) {
    OperationMetrics* operations = &metrics_->operations();
    audit.on_batch = [operations](bool ok, int64_t records) {
      operations->AuditBatch(ok, records);
      operations->SetAuditWritable(ok);
    };
    audit.on_suppressed = [operations] { operations->AuditSuppressed(); };
  }
  absl::StatusOr<std::unique_ptr<AuditLog>> audit_log = AuditLog::Open(std::move(audit));
  if (!audit_log.ok()) return audit_log.status();
  audit_ = *std::move(audit_log);
  const RpcEdge edge{auth_.get(), config.default_timeout, audit_.get(),
                     metrics_ != nullptr ? &metrics_->rpc() : nullptr,
                     metrics_ != nullptr ? &metrics_->operations() : nullptr};
  executor_ = std::make_unique<CallExecutor>(config.max_concurrent_calls);
  payment_service_ = std::make_unique<PaymentServiceImpl>(payments_.get(), executor_.get(), edge);
  std::set<std::string> shop_names;
  for (const ShopConfig& shop : config.shops) shop_names.insert(shop.name);
  payment_events_ =
      std::make_unique<PaymentEvents>(store_.get(), std::move(shop_names), auth_.get());
  event_service_ =
      std::make_unique<PaymentEventServiceImpl>(payment_events_.get(), hub_.get(), edge);
  wallet_service_ = std::make_unique<WalletServiceImpl>(wallet_.get(), edge);
  webhook_admin_ = std::make_unique<WebhookAdmin>(webhooks_.get());
  webhook_service_ = std::make_unique<WebhookServiceImpl>(webhook_admin_.get(), edge);

  if (absl::Status s = CheckTlsFiles(config); !s.ok()) return s;
  std::shared_ptr<grpc::ServerCredentials> credentials = ListenerCredentials(config);

  // gRPC's own health service would let anyone hold unbounded Watch streams.
  grpc::EnableDefaultHealthCheckService(false);
  health_ = std::make_unique<HealthService>(
      std::set<std::string>{"barion.v1.PaymentService", "barion.v1.PaymentEventService",
                            "barion.v1.WalletService"},
      HealthService::Options{});
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  grpc::ResourceQuota quota("barion-gateway");
  quota.SetMaxThreads(config.max_concurrent_calls);
  builder.SetResourceQuota(quota);
  builder.SetMaxReceiveMessageSize(4 * 1024 * 1024);
  // A connection authenticates once, in its handshake: aging connections out makes a revoked
  // certificate stop working on open connections too (docs/SECURITY.md).
  builder.AddChannelArgument(
      GRPC_ARG_MAX_CONNECTION_AGE_MS,
      static_cast<int>(absl::ToInt64Milliseconds(config.max_connection_age)));
  builder.AddChannelArgument(
      GRPC_ARG_MAX_CONNECTION_AGE_GRACE_MS,
      static_cast<int>(absl::ToInt64Milliseconds(config.max_connection_age_grace)));
  builder.AddChannelArgument(GRPC_ARG_MAX_CONCURRENT_STREAMS, config.max_streams_per_connection);
  builder.AddListeningPort(config.grpc_address, credentials, &grpc_port_);
  builder.RegisterService(payment_service_.get());
  builder.RegisterService(event_service_.get());
  builder.RegisterService(wallet_service_.get());
  builder.RegisterService(webhook_service_.get());
  builder.RegisterService(health_.get());
  server_ = builder.BuildAndStart();
  if (server_ == nullptr || grpc_port_ == 0) {
    return absl::UnavailableError(
        absl::StrCat("grpc_address: cannot listen on ", config.grpc_address));
  }
  const std::string host = config.grpc_address.substr(0, config.grpc_address.rfind(':'));
  grpc_address_ = absl::StrCat(host, ":", grpc_port_);
  absl::StatusOr<std::unique_ptr<AdminServer>> admin =
      AdminServer::Start(config.admin_address, metrics_.get(), [this] { return Ready(); });
  if (!admin.ok()) return admin.status();
  admin_ = *std::move(admin);
  return absl::OkStatus();
}

void GatewayServer::Shutdown(absl::Duration grace) {
  if (shut_down_) return;
  shut_down_ = true;
  shutting_down_.store(true);  // /readyz answers 503 from now on
  // Stop taking callbacks first (Barion retries them), then drain calls, then the processor.
  if (listener_ != nullptr) listener_->Stop();
  // Streams end with a resumable status before the server stops waiting for them.
  if (hub_ != nullptr) hub_->FinishAll();
  if (server_ != nullptr) {
    health_->Shutdown();
    server_->Shutdown(absl::ToChronoTime(absl::Now() + grace));
    server_->Wait();
  }
  if (audit_ != nullptr) audit_->Flush();  // every answered call's record is on disk
  if (processor_ != nullptr) processor_->Stop();
  if (reconciler_ != nullptr) reconciler_->Stop();
  if (store_ != nullptr) store_->SetObserver(nullptr);
  if (webhooks_ != nullptr) webhooks_->Stop();  // positions saved, claims given up
  if (hub_ != nullptr) hub_->Stop();
  if (admin_ != nullptr) admin_->Stop();
}

GatewayServer::~GatewayServer() { Shutdown(absl::ZeroDuration()); }

}  // namespace barion_gateway::server
