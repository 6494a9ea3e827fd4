#include "tests/support/status_details.h"

#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"

namespace barion_gateway::testing_support {

namespace {
google::rpc::Status Details(const grpc::Status& status) {
  google::rpc::Status details;
  details.ParseFromString(status.error_details());
  return details;
}
}  // namespace

std::vector<std::string> Reasons(const grpc::Status& status) {
  std::vector<std::string> out;
  const google::rpc::Status details = Details(status);
  for (const auto& any : details.details()) {
    google::rpc::ErrorInfo info;
    if (any.UnpackTo(&info)) out.push_back(info.reason());
  }
  return out;
}

std::string Metadata(const grpc::Status& status, const std::string& key) {
  const google::rpc::Status details = Details(status);
  for (const auto& any : details.details()) {
    google::rpc::ErrorInfo info;
    if (any.UnpackTo(&info)) {
      auto it = info.metadata().find(key);
      if (it != info.metadata().end()) return it->second;
    }
  }
  return "";
}

std::vector<std::string> BadFields(const grpc::Status& status) {
  std::vector<std::string> out;
  const google::rpc::Status details = Details(status);
  for (const auto& any : details.details()) {
    google::rpc::BadRequest bad;
    if (!any.UnpackTo(&bad)) continue;
    for (const auto& v : bad.field_violations()) out.push_back(v.field());
  }
  return out;
}

}  // namespace barion_gateway::testing_support
