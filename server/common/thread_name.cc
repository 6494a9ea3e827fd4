#include "server/common/thread_name.h"

#include <pthread.h>

#include <string>

namespace barion_gateway::server {

void NameThisThread(absl::string_view name) {
  const std::string cut(name.substr(0, 15));
  // Fails only for a name over 15 bytes, which `cut` is not.
  (void)pthread_setname_np(pthread_self(), cut.c_str());
}

}  // namespace barion_gateway::server
