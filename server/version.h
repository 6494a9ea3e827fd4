// Which gateway this is: its version, and the commit it was built from when the build said
// (tools/package.sh passes -DBARION_GATEWAY_COMMIT for server/version.cc; else "unknown").
#ifndef BARION_GATEWAY_SERVER_VERSION_H_
#define BARION_GATEWAY_SERVER_VERSION_H_

namespace barion_gateway::server {

// The gateway's version, in barion_gateway_build_info, --version and the Debian package.
inline constexpr char kGatewayVersion[] = "0.8.0";

// The commit the binary was built from, or "unknown".
const char* GatewayCommit();

}  // namespace barion_gateway::server

#endif  // BARION_GATEWAY_SERVER_VERSION_H_
