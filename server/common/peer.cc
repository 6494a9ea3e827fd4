#include "server/common/peer.h"

namespace barion_gateway::server {

std::string ClientOfPeer(absl::string_view peer) {
  const size_t colon = peer.rfind(':');
  const size_t first = peer.find(':');
  if (colon == absl::string_view::npos || colon == first) return std::string(peer);
  return std::string(peer.substr(0, colon));
}

}  // namespace barion_gateway::server
