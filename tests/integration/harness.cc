#include "tests/integration/harness.h"

#include <sys/stat.h>

#include <atomic>
#include <chrono>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/text_format.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "httplib.h"
#include "server/common/log.h"

namespace barion_gateway::testing_support {

Harness::Harness(HarnessOptions options) {
  sandbox::SandboxOptions so;
  so.tls_dir = ::testing::TempDir() + "/sandbox-tls";
  so.shops = {{"demo", kPosKey, kPayee, true}};
  if (options.second_shop) so.shops.push_back({"outlet", kOutletPosKey, kOutletPayee, true});
  so.wallets = {{"treasury", kWalletApiKey, kWalletEmail}};
  so.time_scale = 0.001;
  so.rate_limit = options.rate_limit;
  so.threads = 64;
  static std::atomic<int> callback_pkis{0};
  if (options.callback_tls) {
    const std::string dir =
        absl::StrCat(::testing::TempDir(), "/callback-pki-", callback_pkis.fetch_add(1));
    mkdir(dir.c_str(), 0700);
    std::unique_ptr<TestCa> ca = TestCa::Create(dir, "callback-ca");
    callback_ca_file_ = ca->certificate().cert_file;
    callback_certificate_ = ca->Issue("callback-listener", {"IP:127.0.0.1"});
    if (options.sandbox_trusts_callback_ca) so.callback_ca_file = callback_ca_file_;
  }
  if (options.callback_tls && !options.sandbox_trusts_callback_ca) {
    // Trusts only a CA of its own: the gateway's certificate does not verify.
    const std::string dir =
        absl::StrCat(::testing::TempDir(), "/callback-pki-", callback_pkis.fetch_add(1));
    mkdir(dir.c_str(), 0700);
    so.callback_ca_file = TestCa::Create(dir, "unrelated-ca")->certificate().cert_file;
  }
  auto sb = sandbox::Sandbox::Start(so);
  if (!sb.ok()) {
    ADD_FAILURE() << "sandbox: " << sb.status();
    return;
  }
  sandbox_ = *std::move(sb);

  server::Config config;
  config.shops = {{"demo", kPosKey, kPayee, "https://shop.example/return", "", "en-US"}};
  config.shops[0].allowed_payees = {kPayee};
  for (const std::string& payee : options.demo_allowed_payees) {
    config.shops[0].allowed_payees.push_back(payee);
  }
  if (options.second_shop) {
    config.shops.push_back(
        {"outlet", kOutletPosKey, kOutletPayee, "https://outlet.example/return", "", "en-US"});
  }
  config.wallets = {{"treasury", options.wallet_api_key}};
  config.barion_base_url = sandbox_->https_url();
  config.barion_ca_file = sandbox_->ca_file();
  config.max_connections = options.max_connections;
  config.max_concurrent_calls = options.max_concurrent_calls;
  config.max_subscribers_per_client = options.max_subscribers_per_client;
  config.max_connection_age = options.max_connection_age;
  config.max_connection_age_grace = options.max_connection_age_grace;
  config.max_streams_per_connection = options.max_streams_per_connection;
  config.heartbeat_interval = options.heartbeat_interval;
  config.reconcile_first_check = options.reconcile_first_check;
  config.reconcile_max_interval = std::max(options.reconcile_first_check, absl::Seconds(1));
  config.grpc_address = "127.0.0.1:0";
  config.callback_address = "127.0.0.1:0";
  config.admin_address = "127.0.0.1:0";
  config.callback_to_listener = true;  // the sandbox calls back to this gateway
  config.callers = options.callers;
  config.tls_cert_file = options.tls_cert_file;
  config.tls_key_file = options.tls_key_file;
  config.tls_client_ca_file = options.tls_client_ca_file;
  config.require_client_certificate = options.require_client_certificate;
  config.tls_refresh_interval = options.tls_refresh_interval;
  config.webhooks = options.webhooks;
  config.callback_tls_cert_file = callback_certificate_.cert_file;
  config.callback_tls_key_file = callback_certificate_.key_file;
  static std::atomic<int> instances{0};
  config.data_dir = absl::StrCat(::testing::TempDir(), "/gateway-data-", instances++);
  data_dir_ = config.data_dir;
  server::SetCallLogging(false);
  config_ = config;
  auto gw = server::GatewayServer::Start(config);
  if (!gw.ok()) {
    ADD_FAILURE() << "gateway: " << gw.status();
    return;
  }
  gateway_ = *std::move(gw);
  auto channel =
      NewChannel(options.channel_credentials != nullptr ? options.channel_credentials
                                                        : grpc::InsecureChannelCredentials());
  channel_ = channel;
  stub_ = barion::v1::PaymentService::NewStub(channel);
  events_ = barion::v1::PaymentEventService::NewStub(channel);
  wallets_ = barion::v1::WalletService::NewStub(channel);
}

std::shared_ptr<grpc::Channel> Harness::NewChannel(
    const std::shared_ptr<grpc::ChannelCredentials>& credentials) const {
  static std::atomic<int> channels{0};
  grpc::ChannelArguments args;
  args.SetSslTargetNameOverride("localhost");
  args.SetInt("barion.test.channel", channels++);  // a connection of its own
  return grpc::CreateCustomChannel(gateway_->grpc_address(), credentials, args);
}

Harness::~Harness() {
  stub_.reset();
  gateway_.reset();  // closes the gateway's pooled keep-alive connections first
  if (sandbox_) sandbox_->Stop();
}

int Harness::Control(const std::string& path, const std::string& json) {
  httplib::Client client(sandbox_->http_url());
  auto res = client.Post(("/_sandbox/" + path).c_str(), json, "application/json");
  return res ? res->status : 0;
}

std::string Harness::ControlGet(const std::string& path) {
  httplib::Client client(sandbox_->http_url());
  auto res = client.Get(("/_sandbox/" + path).c_str());
  return res ? res->body : "";
}

int64_t SandboxRequests(Harness& h) {
  const std::string stats = h.ControlGet("stats");
  const size_t at = stats.find("\"requests\":") + 11;
  int64_t n = -1;
  EXPECT_TRUE(absl::SimpleAtoi(stats.substr(at, stats.find(',', at) - at), &n)) << stats;
  return n;
}

std::string Harness::CallbackPath() {
  return "/callback/demo/" + server::DerivedCallbackSecret(kPosKey, "demo");
}

barion::v1::StartPaymentRequest Harness::CardPayment(const std::string& total,
                                                     barion::v1::Currency currency) {
  barion::v1::StartPaymentRequest r;
  r.set_payment_type(barion::v1::PAYMENT_TYPE_IMMEDIATE);
  r.add_funding_sources(barion::v1::FUNDING_SOURCE_ALL);
  // Unique per call, as a client's must be: the gateway deduplicates a repeated one.
  static std::atomic<int> next{0};
  r.set_payment_request_id(absl::StrCat("it-", total, "-", next++));
  r.set_currency(currency);
  auto* t = r.add_transactions();
  t->set_pos_transaction_id("tx-1");
  t->set_total(total);
  auto* item = t->add_items();
  item->set_name("Widget");
  item->set_description("A widget");
  item->set_quantity("1");
  item->set_unit("pcs");
  item->set_unit_price(total);
  item->set_item_total(total);
  return r;
}

std::unique_ptr<grpc::ClientContext> Deadline(double seconds) {
  auto context = std::make_unique<grpc::ClientContext>();
  context->set_deadline(std::chrono::system_clock::now() +
                        std::chrono::milliseconds(static_cast<int64_t>(seconds * 1000)));
  return context;
}

std::unique_ptr<grpc::ClientContext> WithToken(const char* token) {
  std::unique_ptr<grpc::ClientContext> context = Deadline(10);
  if (token != nullptr) context->AddMetadata("authorization", absl::StrCat("Bearer ", token));
  return context;
}

}  // namespace barion_gateway::testing_support
