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
#include "sandbox/model/options.h"

namespace barion_gateway::sandbox {

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
