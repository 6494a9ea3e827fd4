// PaymentStateFetcher: the one thing the event pipeline needs from the operations layer: a
// payment's authoritative state, fetched from Barion. The callback processor and the reconciler
// depend on this interface; server/operations/payments.h implements it. So the pipeline never
// calls back into the RPC services, and the run-time graph has no cycle.
#ifndef BARION_GATEWAY_SERVER_EVENTS_PAYMENT_STATE_FETCHER_H_
#define BARION_GATEWAY_SERVER_EVENTS_PAYMENT_STATE_FETCHER_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "barion/v1/payment_service.pb.h"

namespace barion_gateway::server {

class PaymentStateFetcher {
 public:
  virtual ~PaymentStateFetcher() = default;
  // The state of payment `payment_id` of `shop`, fetched until `deadline`. NOT_FOUND or
  // INVALID_ARGUMENT when Barion does not know the payment. Thread-safe.
  virtual absl::StatusOr<barion::v1::GetPaymentStateResponse> FetchPaymentState(
      const std::string& shop, const std::string& payment_id, absl::Time deadline) = 0;
};

}  // namespace barion_gateway::server

#endif  // BARION_GATEWAY_SERVER_EVENTS_PAYMENT_STATE_FETCHER_H_
