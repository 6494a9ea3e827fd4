#include "server/common/thread_name.h"

#include <pthread.h>

#include <string>
#include <utility>

namespace barion_gateway::server {

void NameThisThread(absl::string_view name) {
  const std::string cut(name.substr(0, 15));
  // Fails only for a name over 15 bytes, which `cut` is not.
  (void)pthread_setname_np(pthread_self(), cut.c_str());
}

std::thread NamedThread(std::string name, std::function<void()> body) {
  return std::thread([name = std::move(name), body = std::move(body)] {
    NameThisThread(name);
    body();
  });
}

}  // namespace barion_gateway::server
