// PaymentObserver: what the operations layer tells about payments it changed at Barion. The
// assembly (server/gateway.cc) turns it into the event pipeline's work: a started payment is
// watched by the reconciler, a changed one is recorded in the callback inbox like a callback.
#ifndef BARION_GATEWAY_SERVER_OPERATIONS_PAYMENT_OBSERVER_H_
#define BARION_GATEWAY_SERVER_OPERATIONS_PAYMENT_OBSERVER_H_

#include <string>

namespace barion_gateway::server {

class PaymentObserver {
 public:
  virtual ~PaymentObserver() = default;
  // A payment was created at Barion through the gateway (StartPayment, a wallet-token start).
  // Must not block for long.
  virtual void PaymentStarted(const std::string& shop, const std::string& payment_id) = 0;
  // A successful operation changed a payment: finish, capture, cancel, refund, complete, or a
  // synchronous token charge settled within its start; `trace_id` is the call's (may be
  // empty). Must not block for long.
  virtual void PaymentChanged(const std::string& shop, const std::string& payment_id,
                              const std::string& trace_id) = 0;
};

}  // namespace barion_gateway::server

#endif  // BARION_GATEWAY_SERVER_OPERATIONS_PAYMENT_OBSERVER_H_
