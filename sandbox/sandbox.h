// Sandbox: a local Barion simulator (like stripe-mock) that users and tests run with no Barion
// account and no network. See docs/SANDBOX.md for every endpoint and the control API.
//
// What it simulates (docs/BARION.md §3, §5, §6; docs/SANDBOX.md):
// - Payment/Start, PaymentState v4 (and v2), FinishReservation, Capture, CancelAuthorization,
//   Refund, Complete, over HTTP and HTTPS (a self-signed CA it generates).
// - The state machines of Immediate, Reservation and DelayedCapture payments; token
//   registration and synchronous token charges with Barion's token error codes; OneClick
//   payments that need the merchant's 3-D Secure step (Complete).
// - Authentication (x-pos-key header; body POSKey and query POSKey below v4), shop states,
//   ModelValidationError per broken rule, business errors.
// - Barion's quirks: 32-hex ids, amounts printed with two decimals ("84.00") even for HUF,
//   Start's TransactionTime without 'Z', extra unknown properties, the PaymentState rate limit.
// - Callbacks: POST to the payment's CallbackUrl (?paymentId= in the query and the form body),
//   retried after 2, 6, 18, 54 and 162 s (times `time_scale`) until an HTTP 200.
// - A control API under /_sandbox/ that plays the payer and injects faults.
//
// It is a simulator: where Barion's behaviour is unconfirmed (docs/BARION.md §9) it makes the
// choice documented in docs/SANDBOX.md.
#ifndef BARION_GATEWAY_SANDBOX_SANDBOX_H_
#define BARION_GATEWAY_SANDBOX_SANDBOX_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace barion_gateway::sandbox {

struct SandboxShop {
  std::string name;     // for the control API
  std::string pos_key;  // 32 hex digits (hyphens allowed)
  std::string payee;    // the shop owner's wallet e-mail
  bool recurring_allowed = true;
};

// A business wallet reachable with an API key (wallet endpoints, docs/BARION.md §3). It gets a HUF
// account with 1,000,000 and an EUR account with 5,000.00.
struct SandboxWallet {
  std::string name;     // for logs
  std::string api_key;  // 32 hex digits
  std::string email;    // the wallet's e-mail
};

struct SandboxOptions {
  std::string http_address = "127.0.0.1:0";   // "" disables plain HTTP
  std::string https_address = "127.0.0.1:0";  // "" disables HTTPS
  std::string tls_dir;  // where ca.pem / ca-key.pem live (generated); required for HTTPS
  std::vector<SandboxShop> shops;
  std::vector<SandboxWallet> wallets;
  // Multiplies callback retry delays and the callback timeout (0.001 makes 2 s into 2 ms).
  double time_scale = 1.0;
  // HTTP status of AuthenticationFailed answers (400 as recorded in 2021; 401 per newer docs).
  int auth_failure_status = 400;
  // Barion's limit of 2 PaymentState calls per payment per 5 s (HTTP 429 beyond).
  bool rate_limit = true;
  // Worker threads per listener; a keep-alive connection holds one while it is open.
  int threads = 256;
  // Public base of the simulated payment page; "" uses the HTTPS (else HTTP) listener.
  std::string gateway_base_url;
};

class Sandbox {
 public:
  // Starts the listeners (port 0 picks free ports) and the callback dispatcher.
  // INVALID_ARGUMENT for bad options, UNAVAILABLE when an address cannot be bound.
  static absl::StatusOr<std::unique_ptr<Sandbox>> Start(SandboxOptions options);

  ~Sandbox();

  int http_port() const;          // 0 when disabled
  int https_port() const;         // 0 when disabled
  std::string http_url() const;   // "http://127.0.0.1:PORT"
  std::string https_url() const;  // "https://127.0.0.1:PORT"
  std::string ca_file() const;

  // Stops listeners and the dispatcher; pending callbacks are dropped. Idempotent.
  void Stop();

  class Impl;

 private:
  explicit Sandbox(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace barion_gateway::sandbox

#endif  // BARION_GATEWAY_SANDBOX_SANDBOX_H_
