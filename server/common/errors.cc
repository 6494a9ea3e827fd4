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

}  // namespace

absl::Status ErrorInfoStatus(absl::StatusCode code, absl::string_view message,
                             const std::vector<ErrorInfoDetail>& infos, const ErrorFacts& facts) {
  google::rpc::Status details;
  for (const ErrorInfoDetail& detail : infos) {
    google::rpc::ErrorInfo info;
    info.set_reason(detail.reason);
    info.set_domain(detail.domain);
    for (const auto& [key, value] : detail.metadata) (*info.mutable_metadata())[key] = value;
    details.add_details()->PackFrom(info);
  }
  return WithFacts(WithDetails(code, message, std::move(details)), facts);
}

absl::Status GatewayErrorStatus(absl::StatusCode code, absl::string_view reason,
                                absl::string_view message,
                                const std::map<std::string, std::string>& metadata,
                                std::optional<CallOutcome> outcome) {
  ErrorFacts facts;
  facts.reason = std::string(reason);
  ErrorInfoDetail info{std::string(reason), std::string(kGatewayDomain), metadata};
  if (outcome.has_value()) {
    facts.outcome = *outcome;
    info.metadata["outcome"] = std::string(CallOutcomeName(*outcome));
  } else if (code == absl::StatusCode::kPermissionDenied ||
             code == absl::StatusCode::kUnauthenticated) {
    facts.outcome = CallOutcome::kDenied;
  } else if (code == absl::StatusCode::kInvalidArgument) {
    facts.outcome = CallOutcome::kInvalid;
  }
  return ErrorInfoStatus(code, message, {info}, facts);
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
  ErrorFacts facts;
  facts.outcome = CallOutcome::kInvalid;
  return WithFacts(WithDetails(absl::StatusCode::kInvalidArgument, message, std::move(details)),
                   facts);
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

std::vector<ErrorInfoDetail> ErrorInfosOf(const absl::Status& status) {
  std::vector<ErrorInfoDetail> out;
  absl::optional<google::rpc::Status> details = Details(status);
  if (!details) return out;
  for (const auto& any : details->details()) {
    google::rpc::ErrorInfo info;
    if (!any.UnpackTo(&info)) continue;
    ErrorInfoDetail detail{info.reason(), info.domain(), {}};
    for (const auto& [key, value] : info.metadata()) detail.metadata[key] = value;
    out.push_back(std::move(detail));
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
