#include "server/grpc_status/grpc_status.h"

#include <utility>

#include "server/common/errors.h"

namespace barion_gateway::server {

grpc::Status ToGrpcStatus(const absl::Status& status) {
  if (status.ok()) return grpc::Status::OK;
  WireError wire = ToWireError(status);
  return grpc::Status(static_cast<grpc::StatusCode>(status.code()), std::move(wire.message),
                      std::move(wire.details));
}

}  // namespace barion_gateway::server
