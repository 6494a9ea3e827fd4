// The client library's retry rules, as options (ClientOptions) with the rules described here as
// the defaults: which RPC may be sent again (IdempotencyPolicy), after which failures
// (RetryPolicy), and how long to wait between attempts (BackoffDelay).
#ifndef BARION_GATEWAY_CLIENT_RETRY_POLICY_H_
#define BARION_GATEWAY_CLIENT_RETRY_POLICY_H_

#include <memory>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace barion_gateway::client {

// What sending a call again can do at Barion.
enum class Idempotency {
  kRead,          // nothing: it moves no money
  kDeduplicated,  // StartPayment: the gateway answers a repeat (same payment_request_id) with
                  // the first answer instead of a second payment
  kMutation,      // moves money once per send: another send may apply it twice
};

// Which RPC is which. By default what the proto declares for the method (its
// idempotency_level, which every generated client can read): NO_SIDE_EFFECTS is a read
// (GetPaymentState, ListPaymentEvents, GetPaymentQrCode, ValidateApplePaySession, which moves no
// money, GetAccounts, GetHistory, GetHistoryItem, GetPos, DownloadStatement), IDEMPOTENT is
// deduplicated (StartPayment); everything else (FinishReservation, Capture, CancelAuthorization,
// Refund, Complete, the Google Pay and Apple Pay starts, which charge at once and are not
// deduplicated, SendMoneyByEmail, SendBankTransfer, CreatePos) is a mutation, as is a name the
// API does not have.
class IdempotencyPolicy {
 public:
  virtual ~IdempotencyPolicy() = default;
  // `rpc`: the method's name, "StartPayment".
  virtual Idempotency For(absl::string_view rpc) const;
};

// Whether a failed call may be sent again. By default: reads on UNAVAILABLE,
// DEADLINE_EXCEEDED, RESOURCE_EXHAUSTED and ABORTED; a deduplicated start on those but ABORTED
// (which means "in flight or outcome unknown": a repeat cannot tell more); a mutation only when
// the gateway reports outcome "not_sent" (anything else may have moved money: check
// GetPaymentState or the event log first). Any call when the gateway reports "not_sent".
class RetryPolicy {
 public:
  virtual ~RetryPolicy() = default;
  virtual bool ShouldRetry(Idempotency idempotency, const absl::Status& status) const;
};

// Exponential backoff with full jitter: a random wait in [0, min(max, initial * 2^attempt)],
// attempt counted from 0.
absl::Duration BackoffDelay(absl::Duration initial, absl::Duration max, int attempt);

// The default policies (shared, stateless).
std::shared_ptr<const IdempotencyPolicy> DefaultIdempotencyPolicy();
std::shared_ptr<const RetryPolicy> DefaultRetryPolicy();

}  // namespace barion_gateway::client

#endif  // BARION_GATEWAY_CLIENT_RETRY_POLICY_H_
