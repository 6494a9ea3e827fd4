// The RPC edge of the error model (server/common/errors.h): an absl::Status becomes a
// grpc::Status with the same code, its bounded message, and the serialized google.rpc.Status
// as binary error details (the grpc-status-details-bin trailer clients decode).
#ifndef BARION_GATEWAY_SERVER_GRPC_STATUS_GRPC_STATUS_H_
#define BARION_GATEWAY_SERVER_GRPC_STATUS_GRPC_STATUS_H_

#include "absl/status/status.h"
#include "grpcpp/support/status.h"

namespace barion_gateway::server {

grpc::Status ToGrpcStatus(const absl::Status& status);

}  // namespace barion_gateway::server

#endif  // BARION_GATEWAY_SERVER_GRPC_STATUS_GRPC_STATUS_H_
