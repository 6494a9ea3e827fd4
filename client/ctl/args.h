// barionctl's command line: global flags, the command ("start", "wallet accounts") and its flags.
#ifndef BARION_GATEWAY_CLIENT_CTL_ARGS_H_
#define BARION_GATEWAY_CLIENT_CTL_ARGS_H_

#include <map>
#include <string>

#include "absl/status/statusor.h"

namespace barion_gateway::ctl {

struct Args {
  std::map<std::string, std::string> global;  // flags before the command
  std::string command;                        // "start", "wallet accounts"
  std::map<std::string, std::string> flags;   // flags after the command
  bool help = false;                          // --help or -h anywhere
};

// --name=value or --name value; "--help" alone. INVALID_ARGUMENT for a flag without a value or
// a second command word (other than after "wallet").
absl::StatusOr<Args> ParseArgs(int argc, const char* const* argv);

// "PREFIX-<unix ms>-<8 random hex digits>": a default id that two people starting payments in the
// same millisecond do not share (the gateway would answer the second with the first's payment).
std::string UniqueId(const std::string& prefix);

}  // namespace barion_gateway::ctl

#endif  // BARION_GATEWAY_CLIENT_CTL_ARGS_H_
