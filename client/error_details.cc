#include "client/error_details.h"

#include <utility>

#include "absl/strings/cord.h"
#include "absl/types/optional.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"

namespace barion_gateway::client {

std::string ErrorDetails::metadata(const std::string& key) const {
  for (const ErrorInfo& e : errors) {
    auto it = e.metadata.find(key);
    if (it != e.metadata.end()) return it->second;
  }
  return "";
}

ErrorDetails DetailsOf(const absl::Status& status) {
  ErrorDetails out;
  absl::optional<absl::Cord> payload = status.GetPayload(kDetailsUrl);
  if (!payload.has_value()) return out;
  google::rpc::Status details;
  if (!details.ParseFromString(std::string(*payload))) return out;
  for (const auto& any : details.details()) {
    google::rpc::ErrorInfo info;
    google::rpc::BadRequest bad;
    if (any.UnpackTo(&info)) {
      ErrorInfo e{info.domain(), info.reason(), {}};
      for (const auto& [k, v] : info.metadata()) e.metadata[k] = v;
      out.errors.push_back(std::move(e));
    } else if (any.UnpackTo(&bad)) {
      for (const auto& fv : bad.field_violations()) {
        out.violations.push_back({fv.field(), fv.description()});
      }
    }
  }
  return out;
}

bool NotSent(const absl::Status& status) {
  return DetailsOf(status).metadata("outcome") == "not_sent";
}

}  // namespace barion_gateway::client
