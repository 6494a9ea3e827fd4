#include "server/common/errors.h"

#include <string>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/types/optional.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
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

absl::Status WithDetails(absl::StatusCode code, absl::string_view message,
                         google::rpc::Status details) {
  details.set_code(static_cast<int>(code));
  details.set_message(std::string(message));
  absl::Status status(code, message);
  status.SetPayload(kRpcStatusPayloadUrl, absl::Cord(details.SerializeAsString()));
  return status;
}

absl::optional<google::rpc::Status> Details(const absl::Status& status) {
  absl::optional<absl::Cord> payload = status.GetPayload(kRpcStatusPayloadUrl);
  if (!payload) return absl::nullopt;
  google::rpc::Status details;
  if (!details.ParseFromString(std::string(*payload))) return absl::nullopt;
  return details;
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
  }
  return "UPSTREAM_UNKNOWN";
}

}  // namespace

absl::StatusCode CodeForBarionErrorCode(absl::string_view error_code) {
  return LookUp(error_code).value_or(absl::StatusCode::kFailedPrecondition);
}

absl::Status BarionErrorStatus(const std::vector<BarionError>& errors, int http_status,
                               absl::string_view payment_id) {
  google::rpc::Status details;
  // Barion's texts are bounded too: the whole error must fit gRPC's metadata limit.
  for (size_t i = 0; i < errors.size() && i < kMaxBarionErrorsReported; ++i) {
    const BarionError& e = errors[i];
    google::rpc::ErrorInfo info;
    info.set_reason(e.error_code.empty() ? "Unspecified" : SafeText(e.error_code, 64));
    info.set_domain(std::string(kBarionDomain));
    auto& md = *info.mutable_metadata();
    if (!e.title.empty()) md["title"] = SafeText(e.title, kMaxBarionText);
    if (!e.description.empty()) md["description"] = SafeText(e.description, kMaxBarionText);
    if (!e.endpoint.empty()) md["endpoint"] = SafeText(SafeEndpoint(e.endpoint), kMaxBarionText);
    if (!e.happened_at.empty()) md["happened_at"] = SafeText(e.happened_at, 64);
    md["http_status"] = absl::StrCat(http_status);
    const std::string& pid = e.payment_id.empty() ? std::string(payment_id) : e.payment_id;
    if (!pid.empty()) md["payment_id"] = pid;
    details.add_details()->PackFrom(info);
  }
  const BarionError& first = errors.front();
  absl::StatusCode code = http_status >= 500 ? absl::StatusCode::kUnavailable
                                             : CodeForBarionErrorCode(first.error_code);
  std::string message = absl::StrCat("Barion error ", SafeText(first.error_code, 64));
  if (!first.title.empty()) absl::StrAppend(&message, ": ", SafeText(first.title, kMaxBarionText));
  if (!first.description.empty() && first.description != first.title) {
    absl::StrAppend(&message, " (", SafeText(first.description, kMaxBarionText), ")");
  }
  if (errors.size() > 1) absl::StrAppend(&message, " and ", errors.size() - 1, " more");
  return WithDetails(code, message, std::move(details));
}

absl::Status UpstreamFailureStatus(UpstreamFailure failure, bool mutation, int http_status,
                                   absl::string_view detail) {
  absl::StatusCode code;
  const char* outcome;
  switch (failure) {
    case UpstreamFailure::kUnreachable:
    case UpstreamFailure::kTlsFailure:
      code = absl::StatusCode::kUnavailable;
      outcome = "not_sent";
      break;
    case UpstreamFailure::kTimeoutNotSent:
      code = absl::StatusCode::kDeadlineExceeded;
      outcome = "not_sent";
      break;
    case UpstreamFailure::kTimeout:
      code = absl::StatusCode::kDeadlineExceeded;
      outcome = mutation ? "unknown" : "not_applicable";
      break;
    case UpstreamFailure::kConnectionReset:
      code = absl::StatusCode::kUnavailable;
      outcome = mutation ? "unknown" : "not_applicable";
      break;
    case UpstreamFailure::kHttpError:
      if (http_status >= 500) {
        code = absl::StatusCode::kUnavailable;
        outcome = mutation ? "unknown" : "not_applicable";
      } else {
        // 404/405/other 4xx without Barion's error body: the gateway called Barion wrongly.
        code = absl::StatusCode::kInternal;
        outcome = "rejected";
      }
      break;
    case UpstreamFailure::kRateLimited:
      code = absl::StatusCode::kResourceExhausted;
      outcome = "rejected";
      break;
    case UpstreamFailure::kGatewayBusy:
      code = absl::StatusCode::kResourceExhausted;
      outcome = "not_sent";
      break;
    case UpstreamFailure::kMalformedResponse:
      code = mutation ? absl::StatusCode::kUnknown : absl::StatusCode::kUnavailable;
      outcome = mutation ? "unknown" : "not_applicable";
      break;
    default:
      code = absl::StatusCode::kUnknown;
      outcome = "unknown";
  }
  google::rpc::ErrorInfo info;
  info.set_reason(ReasonName(failure));
  info.set_domain(std::string(kGatewayDomain));
  auto& md = *info.mutable_metadata();
  md["outcome"] = outcome;
  if (http_status > 0) md["http_status"] = absl::StrCat(http_status);
  google::rpc::Status details;
  details.add_details()->PackFrom(info);
  std::string message = absl::StrCat("Barion call failed: ", ReasonName(failure));
  if (!detail.empty()) absl::StrAppend(&message, " (", detail, ")");
  if (std::string(outcome) == "unknown") {
    absl::StrAppend(&message,
                    "; the operation may or may not have taken effect at Barion, check the "
                    "payment's state before retrying");
  }
  return WithDetails(code, message, std::move(details));
}

absl::Status GatewayErrorStatus(absl::StatusCode code, absl::string_view reason,
                                absl::string_view message,
                                const std::map<std::string, std::string>& metadata) {
  google::rpc::ErrorInfo info;
  info.set_reason(std::string(reason));
  info.set_domain(std::string(kGatewayDomain));
  for (const auto& [key, value] : metadata) (*info.mutable_metadata())[key] = value;
  google::rpc::Status details;
  details.add_details()->PackFrom(info);
  return WithDetails(code, message, std::move(details));
}

absl::Status InvalidArgumentStatus(const std::vector<FieldViolation>& violations, size_t more) {
  google::rpc::BadRequest bad;
  size_t bytes = 0;
  size_t listed = 0;
  for (const FieldViolation& v : violations) {
    std::string field = SafeText(v.field, kMaxViolationFieldBytes);
    std::string description = SafeText(v.description, kMaxViolationDescriptionBytes);
    bytes += field.size() + description.size() + 8;  // with the encoding's overhead
    if (listed > 0 && bytes > kMaxBadRequestBytes) break;
    auto* fv = bad.add_field_violations();
    fv->set_field(std::move(field));
    fv->set_description(std::move(description));
    ++listed;
  }
  const size_t unlisted = violations.size() - listed + more;
  google::rpc::Status details;
  details.add_details()->PackFrom(bad);
  std::string message = absl::StrCat("invalid ", bad.field_violations(0).field(), ": ",
                                     bad.field_violations(0).description());
  if (listed > 1) absl::StrAppend(&message, " (and ", listed - 1, " more invalid fields)");
  if (unlisted > 0) {
    absl::StrAppend(&message, "; ", unlisted, more > 0 ? " or more" : "",
                    " further violations not listed");
  }
  return WithDetails(absl::StatusCode::kInvalidArgument, message, std::move(details));
}

std::vector<std::string> ErrorReasons(const absl::Status& status) {
  std::vector<std::string> out;
  absl::optional<google::rpc::Status> details = Details(status);
  if (!details) return out;
  for (const auto& any : details->details()) {
    google::rpc::ErrorInfo info;
    if (any.UnpackTo(&info)) out.push_back(info.reason());
  }
  return out;
}

std::vector<FieldViolation> FieldViolationsOf(const absl::Status& status) {
  std::vector<FieldViolation> out;
  absl::optional<google::rpc::Status> details = Details(status);
  if (!details) return out;
  for (const auto& any : details->details()) {
    google::rpc::BadRequest bad;
    if (!any.UnpackTo(&bad)) continue;
    for (const auto& fv : bad.field_violations()) out.push_back({fv.field(), fv.description()});
  }
  return out;
}

std::vector<std::string> ViolatedFields(const absl::Status& status) {
  std::vector<std::string> out;
  for (FieldViolation& v : FieldViolationsOf(status)) out.push_back(std::move(v.field));
  return out;
}

std::string FirstErrorMetadata(const absl::Status& status, absl::string_view key) {
  absl::optional<google::rpc::Status> details = Details(status);
  if (!details) return "";
  for (const auto& any : details->details()) {
    google::rpc::ErrorInfo info;
    if (!any.UnpackTo(&info)) continue;
    auto it = info.metadata().find(std::string(key));
    return it == info.metadata().end() ? "" : it->second;
  }
  return "";
}

WireError ToWireError(const absl::Status& status) {
  google::rpc::Status details = Details(status).value_or(google::rpc::Status());
  // The last guard of the size budget: the message and details travel as trailers, which a
  // client refuses past its metadata limit (8 KiB by default), losing the real error.
  const std::string message = SafeText(status.message(), kMaxErrorMessageBytes);
  while (details.details_size() > 1 && details.ByteSizeLong() > kMaxErrorDetailsBytes) {
    details.mutable_details()->RemoveLast();
  }
  if (details.ByteSizeLong() > kMaxErrorDetailsBytes) details.clear_details();
  details.set_code(static_cast<int>(status.code()));
  details.set_message(message);
  return {message, details.SerializeAsString()};
}

}  // namespace barion_gateway::server
