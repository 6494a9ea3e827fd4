// Harness for integration tests: the local sandbox and the gateway, in this process, talking
// over real loopback sockets (gateway -> sandbox over HTTPS verified with the sandbox's CA),
// and a gRPC client. Ports are chosen by the OS.
#ifndef BARION_GATEWAY_TESTS_INTEGRATION_HARNESS_H_
#define BARION_GATEWAY_TESTS_INTEGRATION_HARNESS_H_

#include <memory>
#include <string>
#include <vector>

#include "barion/v1/payment_event.grpc.pb.h"
#include "barion/v1/payment_service.grpc.pb.h"
#include "barion/v1/wallet_service.grpc.pb.h"
#include "grpcpp/security/credentials.h"
#include "gtest/gtest.h"
#include "sandbox/sandbox.h"
#include "server/gateway.h"
#include "tests/support/status_details.h"
#include "tests/support/test_pki.h"

namespace barion_gateway::testing_support {

inline constexpr char kPosKey[] = "5e4f7a1c2b3d4e5f8091a2b3c4d5e6f7";
inline constexpr char kPayee[] = "demo-shop@sandbox.local";
inline constexpr char kWalletApiKey[] = "0a1b2c3d4e5f60718293a4b5c6d7e8f9";
inline constexpr char kWalletEmail[] = "treasury@sandbox.local";
// The second shop, with HarnessOptions::second_shop.
inline constexpr char kOutletPosKey[] = "7a6b5c4d3e2f10f9e8d7c6b5a4938271";
inline constexpr char kOutletPayee[] = "outlet-shop@sandbox.local";

struct HarnessOptions {
  bool rate_limit = false;
  // A second shop "outlet" (kOutletPosKey, kOutletPayee) besides "demo", at Barion and in the
  // gateway.
  bool second_shop = false;
  // The demo shop's allowed_payees besides its payee (lower case).
  std::vector<std::string> demo_allowed_payees;
  int max_connections = 8;
  absl::Duration reconcile_first_check = absl::Minutes(1);
  std::string wallet_api_key = kWalletApiKey;  // the gateway's; the sandbox knows kWalletApiKey
  int max_concurrent_calls = 256;
  int max_subscribers_per_client = 2500;
  absl::Duration max_connection_age = absl::Minutes(30);
  absl::Duration max_connection_age_grace = absl::Minutes(5);
  int max_streams_per_connection = 100;
  absl::Duration heartbeat_interval = absl::Seconds(15);
  // The gateway's policy (empty: authentication off) and its gRPC listener's TLS files.
  std::vector<server::CallerPolicy> callers;
  std::string tls_cert_file;
  std::string tls_key_file;
  std::string tls_client_ca_file;
  bool require_client_certificate = false;
  absl::Duration tls_refresh_interval = absl::Seconds(60);
  // The callback listener serves HTTPS with a certificate for 127.0.0.1 from a throwaway CA
  // (callback_ca_file()); the sandbox trusts that CA unless told not to.
  bool callback_tls = false;
  // Webhook endpoints and their retry delays (docs/WEBHOOKS.md).
  server::WebhooksConfig webhooks;
  bool sandbox_trusts_callback_ca = true;
  // How the harness's own stubs connect (default: plaintext); with TLS, the target name the
  // server certificate must carry is "localhost".
  std::shared_ptr<grpc::ChannelCredentials> channel_credentials;
};

class Harness {
 public:
  explicit Harness(HarnessOptions options = {});
  ~Harness();

  barion::v1::PaymentService::Stub& stub() { return *stub_; }
  barion::v1::PaymentEventService::Stub& events() { return *events_; }
  barion::v1::WalletService::Stub& wallets() { return *wallets_; }
  std::shared_ptr<grpc::Channel> channel() { return channel_; }
  // A new channel to the gateway with `credentials` (TLS: target name "localhost"), on a
  // connection of its own.
  std::shared_ptr<grpc::Channel> NewChannel(
      const std::shared_ptr<grpc::ChannelCredentials>& credentials) const;
  sandbox::Sandbox& sandbox() { return *sandbox_; }
  server::GatewayServer& gateway() { return *gateway_; }
  // With HarnessOptions::callback_tls: the CA of the callback listener's certificate, and that
  // certificate's files.
  const std::string& callback_ca_file() const { return callback_ca_file_; }
  const TestCertificate& callback_certificate() const { return callback_certificate_; }
  // The configuration the gateway started with (for reload tests).
  const server::Config& config() const { return config_; }
  // The gateway's data folder (its event store, its audit log).
  const std::string& data_dir() const { return data_dir_; }

  // POSTs `json` to the sandbox's control API (path under /_sandbox/); returns the HTTP status.
  int Control(const std::string& path, const std::string& json);
  // GETs a control API path; returns the body.
  std::string ControlGet(const std::string& path);

  // The demo shop's callback path, secret included, as the gateway gives it to Barion.
  static std::string CallbackPath();

  // A valid immediate HUF payment request for the demo shop.
  static barion::v1::StartPaymentRequest CardPayment(const std::string& total,
                                                     barion::v1::Currency currency);

 private:
  std::unique_ptr<sandbox::Sandbox> sandbox_;
  std::unique_ptr<server::GatewayServer> gateway_;
  std::unique_ptr<barion::v1::PaymentService::Stub> stub_;
  std::unique_ptr<barion::v1::PaymentEventService::Stub> events_;
  std::unique_ptr<barion::v1::WalletService::Stub> wallets_;
  std::shared_ptr<grpc::Channel> channel_;
  std::string data_dir_;
  std::string callback_ca_file_;
  TestCertificate callback_certificate_;
  server::Config config_;
};

// Barion API requests the sandbox of `h` has served.
int64_t SandboxRequests(Harness& h);

// A context with a deadline `seconds` from now.
std::unique_ptr<grpc::ClientContext> Deadline(double seconds);

// Deadline(10) carrying "authorization: Bearer `token`" (none when `token` is null).
std::unique_ptr<grpc::ClientContext> WithToken(const char* token);

}  // namespace barion_gateway::testing_support

#endif  // BARION_GATEWAY_TESTS_INTEGRATION_HARNESS_H_
