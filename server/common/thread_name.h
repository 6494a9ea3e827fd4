// Names the calling thread, as `top -H`, `ps -L`, perf and gdb show it. A thread otherwise
// inherits its creator's name, so a pool started from one of gRPC's threads would show as
// gRPC's ("nexting_thread"), and profiles by thread (tools/profile.sh) would credit gRPC with
// the gateway's work. Linux keeps at most 15 bytes; longer names are cut.
#ifndef BARION_GATEWAY_SERVER_COMMON_THREAD_NAME_H_
#define BARION_GATEWAY_SERVER_COMMON_THREAD_NAME_H_

#include <functional>
#include <string>
#include <thread>

#include "absl/strings/string_view.h"

namespace barion_gateway::server {

void NameThisThread(absl::string_view name);

// A new thread that names itself `name`, then runs `body`.
std::thread NamedThread(std::string name, std::function<void()> body);

}  // namespace barion_gateway::server

#endif  // BARION_GATEWAY_SERVER_COMMON_THREAD_NAME_H_
