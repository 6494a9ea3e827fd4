#include "client/ctl/args.h"

#include <cstdint>
#include <random>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"

namespace barion_gateway::ctl {

absl::StatusOr<Args> ParseArgs(int argc, const char* const* argv) {
  Args args;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--help" || a == "-h") {
      args.help = true;
      continue;
    }
    if (a == "--tls" && args.command.empty()) {
      args.global["tls"] = "1";  // the one global flag without a value
      continue;
    }
    if (a.rfind("--", 0) == 0) {
      std::string name = a.substr(2), value;
      const size_t eq = name.find('=');
      if (eq != std::string::npos) {
        value = name.substr(eq + 1);
        name = name.substr(0, eq);
      } else if (i + 1 < argc) {
        value = argv[++i];
      } else {
        return absl::InvalidArgumentError(absl::StrCat("--", name, " needs a value"));
      }
      (args.command.empty() ? args.global : args.flags)[name] = value;
      continue;
    }
    if (args.command == "wallet" || args.command == "webhooks") {
      args.command += " " + a;  // "wallet accounts", "webhooks list"
      continue;
    }
    if (!args.command.empty()) return absl::InvalidArgumentError("unexpected argument " + a);
    args.command = a;
  }
  return args;
}

std::string UniqueId(const std::string& prefix) {
  std::random_device random;
  return absl::StrFormat("%s-%d-%08x", prefix, absl::ToUnixMillis(absl::Now()),
                         static_cast<uint32_t>(random()));
}

}  // namespace barion_gateway::ctl
