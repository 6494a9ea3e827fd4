#include "server/version.h"

#ifndef BARION_GATEWAY_COMMIT
#define BARION_GATEWAY_COMMIT "unknown"
#endif

namespace barion_gateway::server {

const char* GatewayCommit() { return BARION_GATEWAY_COMMIT; }

}  // namespace barion_gateway::server
