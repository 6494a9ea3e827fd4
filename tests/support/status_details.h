// Reading the google.rpc details of a grpc::Status, for tests.
#ifndef BARION_GATEWAY_TESTS_SUPPORT_STATUS_DETAILS_H_
#define BARION_GATEWAY_TESTS_SUPPORT_STATUS_DETAILS_H_

#include <string>
#include <vector>

#include "grpcpp/support/status.h"

namespace barion_gateway::testing_support {

// The ErrorInfo reasons of a gRPC error.
std::vector<std::string> Reasons(const grpc::Status& status);
// The metadata value `key` of the first ErrorInfo that has it, or "".
std::string Metadata(const grpc::Status& status, const std::string& key);
// The BadRequest field paths.
std::vector<std::string> BadFields(const grpc::Status& status);

}  // namespace barion_gateway::testing_support

#endif  // BARION_GATEWAY_TESTS_SUPPORT_STATUS_DETAILS_H_
