// The client behind a gRPC peer string: what per-client limits count by.
#ifndef BARION_GATEWAY_SERVER_COMMON_PEER_H_
#define BARION_GATEWAY_SERVER_COMMON_PEER_H_

#include <string>

#include "absl/strings/string_view.h"

namespace barion_gateway::server {

// The client of a gRPC peer ("ipv4:10.0.0.1:5432", "ipv6:[::1]:5432"): its address without the
// port, so that one client's many connections count together. A peer without a port is itself.
std::string ClientOfPeer(absl::string_view peer);

}  // namespace barion_gateway::server

#endif  // BARION_GATEWAY_SERVER_COMMON_PEER_H_
