#include "sandbox/model/states.h"

namespace barion_gateway::sandbox {

const char* Name(PaymentStatus status) {
  switch (status) {
    case PaymentStatus::kPrepared:
      return "Prepared";
    case PaymentStatus::kStarted:
      return "Started";
    case PaymentStatus::kInProgress:
      return "InProgress";
    case PaymentStatus::kWaiting:
      return "Waiting";
    case PaymentStatus::kReserved:
      return "Reserved";
    case PaymentStatus::kAuthorized:
      return "Authorized";
    case PaymentStatus::kCanceled:
      return "Canceled";
    case PaymentStatus::kSucceeded:
      return "Succeeded";
    case PaymentStatus::kFailed:
      return "Failed";
    case PaymentStatus::kPartiallySucceeded:
      return "PartiallySucceeded";
    case PaymentStatus::kExpired:
      return "Expired";
  }
  return "Unknown";
}

const char* Name(TxStatus status) {
  switch (status) {
    case TxStatus::kPrepared:
      return "Prepared";
    case TxStatus::kStarted:
      return "Started";
    case TxStatus::kSucceeded:
      return "Succeeded";
    case TxStatus::kReserved:
      return "Reserved";
    case TxStatus::kAuthorized:
      return "Authorized";
    case TxStatus::kRejected:
      return "Rejected";
    case TxStatus::kExpired:
      return "Expired";
    case TxStatus::kReversed:
      return "Reversed";
  }
  return "Unknown";
}

const char* Name(TokenState state) {
  switch (state) {
    case TokenState::kPending:
      return "pending";
    case TokenState::kActive:
      return "active";
    case TokenState::kFailed:
      return "failed";
  }
  return "unknown";
}

const char* Name(FaultMode mode) {
  switch (mode) {
    case FaultMode::kStatus404:
      return "status_404";
    case FaultMode::kStatus500:
      return "status_500";
    case FaultMode::kStatus503Html:
      return "status_503_html";
    case FaultMode::kSlow:
      return "slow";
    case FaultMode::kReset:
      return "reset";
    case FaultMode::kMalformed:
      return "malformed";
    case FaultMode::kRateLimited:
      return "rate_limited";
  }
  return "unknown";
}

absl::optional<FaultMode> ParseFaultMode(absl::string_view text) {
  for (FaultMode mode :
       {FaultMode::kStatus404, FaultMode::kStatus500, FaultMode::kStatus503Html, FaultMode::kSlow,
        FaultMode::kReset, FaultMode::kMalformed, FaultMode::kRateLimited}) {
    if (text == Name(mode)) return mode;
  }
  return absl::nullopt;
}

}  // namespace barion_gateway::sandbox
