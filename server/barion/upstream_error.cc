#include "server/barion/upstream_error.h"

#include <string>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/types/optional.h"
#include "server/common/errors.h"
#include "server/common/safe_text.h"

namespace barion_gateway::server {
namespace {

struct CodeRow {
  const char* error_code;
  absl::StatusCode code;
};

// The table of docs/ERRORS.md. Matching is case-sensitive on Barion's documented spelling
// first, then case-insensitive (Barion's binder is case-insensitive; its output is not always).
constexpr CodeRow kBarionCodes[] = {
    // The gateway's own configuration is wrong: an operator problem, never the caller's.
    {"AuthenticationFailed", absl::StatusCode::kFailedPrecondition},
    {"ShopIsInDraftState", absl::StatusCode::kFailedPrecondition},
    {"ShopIsClosed", absl::StatusCode::kFailedPrecondition},
    // The request itself is invalid.
    {"ModelValidationError", absl::StatusCode::kInvalidArgument},
    {"InvalidUser", absl::StatusCode::kInvalidArgument},
    {"TransactionDoesNotBelongToPayment", absl::StatusCode::kInvalidArgument},
    {"TheSourceAndDestinationAccountsAreMatched", absl::StatusCode::kInvalidArgument},
    // Something named does not exist.
    {"NotExistingPaymentId", absl::StatusCode::kNotFound},
    {"InvalidRecurrenceId", absl::StatusCode::kNotFound},
    {"StatementNotFound", absl::StatusCode::kNotFound},
    // The operation is not allowed in the current state of the payment, wallet or token.
    {"PaymentStatusNotValid", absl::StatusCode::kFailedPrecondition},
    {"UserCantReceiveEMoney", absl::StatusCode::kFailedPrecondition},
    {"UserCantMakeOutgoingTransaction", absl::StatusCode::kFailedPrecondition},
    {"SuspendedUserTriedToRefund", absl::StatusCode::kFailedPrecondition},
    {"InsufficientFunds", absl::StatusCode::kFailedPrecondition},
    {"InvalidCurrency", absl::StatusCode::kFailedPrecondition},
    {"RecurringPaymentDenied", absl::StatusCode::kFailedPrecondition},
    {"OriginalPaymentWasntSuccessful", absl::StatusCode::kFailedPrecondition},
    {"CardExpired", absl::StatusCode::kFailedPrecondition},
    {"CardError", absl::StatusCode::kFailedPrecondition},
    {"TopUpFailed", absl::StatusCode::kFailedPrecondition},
    {"ThreeDsNotEnabled", absl::StatusCode::kFailedPrecondition},
    // The shop is not enabled for the feature at Barion.
    {"RecurringPaymentNotAllowed", absl::StatusCode::kPermissionDenied},
    // A bank or third party did not answer in time: Barion cancelled, nothing happened.
    {"PingFailed", absl::StatusCode::kUnavailable},
};

absl::optional<absl::StatusCode> LookUp(absl::string_view error_code) {
  for (const CodeRow& row : kBarionCodes) {
    if (error_code == row.error_code) return row.code;
  }
  for (const CodeRow& row : kBarionCodes) {
    if (absl::EqualsIgnoreCase(error_code, row.error_code)) return row.code;
  }
  return absl::nullopt;
}

// Barion's EndPoint is a full URL; keep it only without a query string (a v2 GET once carried
// the POSKey in its query).
std::string SafeEndpoint(absl::string_view endpoint) {
  return std::string(endpoint.substr(0, endpoint.find('?')));
}

const char* ReasonName(UpstreamFailure failure) {
  switch (failure) {
    case UpstreamFailure::kUnreachable:
      return "UPSTREAM_UNREACHABLE";
    case UpstreamFailure::kTlsFailure:
      return "UPSTREAM_TLS_FAILURE";
    case UpstreamFailure::kTimeoutNotSent:
    case UpstreamFailure::kTimeout:
      return "UPSTREAM_TIMEOUT";
    case UpstreamFailure::kConnectionReset:
      return "UPSTREAM_CONNECTION_RESET";
    case UpstreamFailure::kHttpError:
      return "UPSTREAM_HTTP_ERROR";
    case UpstreamFailure::kRateLimited:
      return "UPSTREAM_RATE_LIMITED";
    case UpstreamFailure::kMalformedResponse:
      return "UPSTREAM_MALFORMED_RESPONSE";
    case UpstreamFailure::kGatewayBusy:
      return "UPSTREAM_CALLS_EXHAUSTED";
    case UpstreamFailure::kBarionError:
      return "BARION_ERROR";
  }
  return "UPSTREAM_UNKNOWN";
}

// What a failure means at Barion (the `outcome` of docs/ERRORS.md).
UpstreamOutcome OutcomeOf(UpstreamFailure failure, bool mutation, int http_status) {
  const UpstreamOutcome maybe =
      mutation ? UpstreamOutcome::kUnknown : UpstreamOutcome::kNotApplicable;
  switch (failure) {
    case UpstreamFailure::kUnreachable:
    case UpstreamFailure::kTlsFailure:
    case UpstreamFailure::kTimeoutNotSent:
    case UpstreamFailure::kGatewayBusy:
      return UpstreamOutcome::kNotSent;
    case UpstreamFailure::kBarionError:
    case UpstreamFailure::kRateLimited:
      return UpstreamOutcome::kRejected;
    case UpstreamFailure::kHttpError:
      // 404/405/other 4xx without Barion's error body: the gateway called Barion wrongly.
      return http_status >= 500 ? maybe : UpstreamOutcome::kRejected;
    case UpstreamFailure::kTimeout:
    case UpstreamFailure::kConnectionReset:
    case UpstreamFailure::kMalformedResponse:
      return maybe;
  }
  return UpstreamOutcome::kUnknown;
}

// The outcome in the error model's terms (error_facts.h).
CallOutcome FactsOutcome(UpstreamOutcome outcome) {
  switch (outcome) {
    case UpstreamOutcome::kNotSent:
      return CallOutcome::kNotSent;
    case UpstreamOutcome::kRejected:
      return CallOutcome::kRejected;
    case UpstreamOutcome::kUnknown:
      return CallOutcome::kUnknown;
    case UpstreamOutcome::kNotApplicable:
      return CallOutcome::kNotApplicable;
  }
  return CallOutcome::kUnknown;
}

// The gRPC code of a failure other than kBarionError (docs/ERRORS.md).
absl::StatusCode CodeOf(UpstreamFailure failure, bool mutation, int http_status) {
  switch (failure) {
    case UpstreamFailure::kUnreachable:
    case UpstreamFailure::kTlsFailure:
    case UpstreamFailure::kConnectionReset:
      return absl::StatusCode::kUnavailable;
    case UpstreamFailure::kTimeoutNotSent:
    case UpstreamFailure::kTimeout:
      return absl::StatusCode::kDeadlineExceeded;
    case UpstreamFailure::kHttpError:
      return http_status >= 500 ? absl::StatusCode::kUnavailable : absl::StatusCode::kInternal;
    case UpstreamFailure::kRateLimited:
    case UpstreamFailure::kGatewayBusy:
      return absl::StatusCode::kResourceExhausted;
    case UpstreamFailure::kMalformedResponse:
      return mutation ? absl::StatusCode::kUnknown : absl::StatusCode::kUnavailable;
    case UpstreamFailure::kBarionError:
      break;
  }
  return absl::StatusCode::kUnknown;
}

}  // namespace

absl::StatusCode CodeForBarionErrorCode(absl::string_view error_code) {
  return LookUp(error_code).value_or(absl::StatusCode::kFailedPrecondition);
}

namespace {

// The code of Barion's `errors` (non-empty) answered with `http_status`.
absl::StatusCode CodeOfBarionErrors(const std::vector<BarionError>& errors, int http_status) {
  return http_status >= 500 ? absl::StatusCode::kUnavailable
                            : CodeForBarionErrorCode(errors.front().error_code);
}

}  // namespace

absl::Status BarionErrorStatus(const std::vector<BarionError>& errors, int http_status,
                               absl::string_view payment_id) {
  std::vector<ErrorInfoDetail> infos;
  // Barion's texts are bounded too: the whole error must fit gRPC's metadata limit.
  for (size_t i = 0; i < errors.size() && i < kMaxBarionErrorsReported; ++i) {
    const BarionError& e = errors[i];
    ErrorInfoDetail info;
    info.reason = e.error_code.empty() ? "Unspecified" : SafeText(e.error_code, 64);
    info.domain = std::string(kBarionDomain);
    auto& md = info.metadata;
    if (!e.title.empty()) md["title"] = SafeText(e.title, kMaxBarionText);
    if (!e.description.empty()) md["description"] = SafeText(e.description, kMaxBarionText);
    if (!e.endpoint.empty()) md["endpoint"] = SafeText(SafeEndpoint(e.endpoint), kMaxBarionText);
    if (!e.happened_at.empty()) md["happened_at"] = SafeText(e.happened_at, 64);
    md["http_status"] = absl::StrCat(http_status);
    const std::string& pid = e.payment_id.empty() ? std::string(payment_id) : e.payment_id;
    if (!pid.empty()) md["payment_id"] = pid;
    infos.push_back(std::move(info));
  }
  const BarionError& first = errors.front();
  const absl::StatusCode code = CodeOfBarionErrors(errors, http_status);
  std::string message = absl::StrCat("Barion error ", SafeText(first.error_code, 64));
  if (!first.title.empty()) absl::StrAppend(&message, ": ", SafeText(first.title, kMaxBarionText));
  if (!first.description.empty() && first.description != first.title) {
    absl::StrAppend(&message, " (", SafeText(first.description, kMaxBarionText), ")");
  }
  if (errors.size() > 1) absl::StrAppend(&message, " and ", errors.size() - 1, " more");
  ErrorFacts facts;
  facts.outcome = CallOutcome::kRejected;
  for (const ErrorInfoDetail& info : infos) facts.barion_codes.push_back(info.reason);
  return ErrorInfoStatus(code, message, infos, facts);
}

absl::Status UpstreamFailureStatus(UpstreamFailure failure, bool mutation, int http_status,
                                   absl::string_view detail) {
  const UpstreamOutcome outcome = OutcomeOf(failure, mutation, http_status);
  ErrorInfoDetail info;
  info.reason = ReasonName(failure);
  info.domain = std::string(kGatewayDomain);
  info.metadata["outcome"] = std::string(CallOutcomeName(FactsOutcome(outcome)));
  if (http_status > 0) info.metadata["http_status"] = absl::StrCat(http_status);
  std::string message = absl::StrCat("Barion call failed: ", ReasonName(failure));
  if (!detail.empty()) absl::StrAppend(&message, " (", detail, ")");
  if (outcome == UpstreamOutcome::kUnknown) {
    absl::StrAppend(&message,
                    "; the operation may or may not have taken effect at Barion, check the "
                    "payment's state before retrying");
  }
  ErrorFacts facts;
  facts.outcome = FactsOutcome(outcome);
  facts.reason = info.reason;
  return ErrorInfoStatus(CodeOf(failure, mutation, http_status), message, {info}, facts);
}

UpstreamOutcome UpstreamError::outcome() const { return OutcomeOf(failure, mutation, http_status); }

absl::StatusCode UpstreamError::code() const {
  if (failure == UpstreamFailure::kBarionError && !barion_errors.empty()) {
    return CodeOfBarionErrors(barion_errors, http_status);
  }
  return CodeOf(failure, mutation, http_status);
}

absl::Status UpstreamError::ToStatus() const {
  if (failure == UpstreamFailure::kBarionError && !barion_errors.empty()) {
    return BarionErrorStatus(barion_errors, http_status, payment_id);
  }
  return UpstreamFailureStatus(failure, mutation, http_status, detail);
}

}  // namespace barion_gateway::server
