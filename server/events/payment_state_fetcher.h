// PaymentStateFetcher: the one thing the event pipeline needs from the operations layer: a
// payment's authoritative state, fetched from Barion. The callback processor and the reconciler
// depend on this interface; server/operations/payments.h implements it. So the pipeline never
// calls back into the RPC services, and the run-time graph has no cycle.
#ifndef BARION_GATEWAY_SERVER_EVENTS_PAYMENT_STATE_FETCHER_H_
#define BARION_GATEWAY_SERVER_EVENTS_PAYMENT_STATE_FETCHER_H_

#include <optional>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "barion/v1/payment_service.pb.h"

namespace barion_gateway::server {

// A payment's state fetched from Barion, or why there is none, typed where it was decided:
// whether Barion does not know the payment (looking again will not help: callbacks are unsigned
// and may be forged, a watched id may be wrong) or the fetch failed for now.
class FetchedState {
 public:
  FetchedState(barion::v1::GetPaymentStateResponse state)  // NOLINT: implicit, like StatusOr
      : state_(std::move(state)) {}
  // No state. `unknown_payment`: Barion said the payment does not exist, or its id or shop is
  // not one Barion could know. Otherwise (Barion unreachable, slow, busy) a later look may work.
  // Precondition: !status.ok().
  static FetchedState Failed(absl::Status status, bool unknown_payment) {
    FetchedState failed;
    failed.status_ = std::move(status);
    failed.unknown_payment_ = unknown_payment;
    return failed;
  }

  bool ok() const { return state_.has_value(); }
  // OK, or why there is no state (for a log line).
  const absl::Status& status() const { return status_; }
  bool unknown_payment() const { return unknown_payment_; }
  // Precondition: ok().
  barion::v1::GetPaymentStateResponse& operator*() { return *state_; }

 private:
  FetchedState() = default;
  std::optional<barion::v1::GetPaymentStateResponse> state_;
  absl::Status status_;
  bool unknown_payment_ = false;
};

class PaymentStateFetcher {
 public:
  virtual ~PaymentStateFetcher() = default;
  // The state of payment `payment_id` of `shop`, fetched until `deadline`. Thread-safe.
  virtual FetchedState FetchPaymentState(const std::string& shop, const std::string& payment_id,
                                         absl::Time deadline) = 0;
};

}  // namespace barion_gateway::server

#endif  // BARION_GATEWAY_SERVER_EVENTS_PAYMENT_STATE_FETCHER_H_
