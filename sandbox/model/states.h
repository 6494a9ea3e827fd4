// The simulated Barion's states as enums, each with the exact name Barion writes on the wire
// (docs/BARION.md §4), and the fault modes the control API can arm (docs/SANDBOX.md). Parse
// functions accept the control API's spelling; nothing else reads a state back from text.
#ifndef BARION_GATEWAY_SANDBOX_MODEL_STATES_H_
#define BARION_GATEWAY_SANDBOX_MODEL_STATES_H_

#include <string>

#include "absl/strings/string_view.h"
#include "absl/types/optional.h"

namespace barion_gateway::sandbox {

// A payment's Status.
enum class PaymentStatus {
  kPrepared,
  kStarted,
  kInProgress,
  kWaiting,
  kReserved,
  kAuthorized,
  kCanceled,
  kSucceeded,
  kFailed,
  kPartiallySucceeded,
  kExpired,
};

// A transaction's Status.
enum class TxStatus {
  kPrepared,
  kStarted,
  kSucceeded,
  kReserved,
  kAuthorized,
  kRejected,
  kExpired,
  kReversed,
};

// A recurrence token's life: registered by a payment that has not finished, usable after that
// payment succeeded, or never usable because it failed.
enum class TokenState { kPending, kActive, kFailed };

// What an armed fault does to the next matching request.
enum class FaultMode {
  kStatus404,      // ASP.NET's "No HTTP resource was found"
  kStatus500,      // ASP.NET's "An error has occurred."
  kStatus503Html,  // a proxy's HTML error page
  kSlow,           // answers normally after a delay
  kReset,          // the connection closes mid-answer
  kMalformed,      // a truncated JSON body with status 200
  kRateLimited,    // HTTP 429 with no body
};

const char* Name(PaymentStatus status);
const char* Name(TxStatus status);
const char* Name(TokenState state);  // "pending", "active", "failed"
const char* Name(FaultMode mode);    // "status_404", "slow", ... as the control API names them

// The fault mode the control API names `text`, or nullopt.
absl::optional<FaultMode> ParseFaultMode(absl::string_view text);

// Whether a payment in `status` may still be paid, cancelled by the payer or expire.
inline bool AwaitsPayer(PaymentStatus status) {
  return status == PaymentStatus::kPrepared || status == PaymentStatus::kStarted;
}

// Whether a payment's transactions count toward its Total: not after it expired, failed or was
// cancelled.
inline bool CountsTowardTotal(PaymentStatus status) {
  return status != PaymentStatus::kExpired && status != PaymentStatus::kFailed &&
         status != PaymentStatus::kCanceled;
}

}  // namespace barion_gateway::sandbox

#endif  // BARION_GATEWAY_SANDBOX_MODEL_STATES_H_
