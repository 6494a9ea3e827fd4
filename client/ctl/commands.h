// barionctl's commands, each declared once: its name, the summary the usage text lists, its
// --help text, and its handler. The table drives usage, help and dispatch.
#ifndef BARION_GATEWAY_CLIENT_CTL_COMMANDS_H_
#define BARION_GATEWAY_CLIENT_CTL_COMMANDS_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "client/ctl/cli.h"

namespace barion_gateway::ctl {

struct Command {
  const char* name;     // "start", "wallet accounts"
  const char* summary;  // a few words for the usage text
  const char* help;     // what `barionctl NAME --help` prints
  // OK, a UsageError, or the failed call's status. Null for a group ("wallet").
  absl::Status (*run)(Cli& cli);
};

// The commands of each service, in the usage text's order.
std::vector<Command> PaymentCommands();
std::vector<Command> WalletCommands();
std::vector<Command> WebhookCommands();

// The command named `name`, or null.
const Command* FindCommand(absl::string_view name);
// The help of `command`; of `wallet` for an unknown wallet command; null for other unknowns.
const char* HelpFor(absl::string_view command);
// `barionctl --help`.
std::string UsageText();

// The whole of barionctl: parses the command line, runs the command, prints its output, its
// error (with the gateway's details) or the usage problem, and returns the exit code.
int RunBarionctl(int argc, const char* const* argv);

}  // namespace barion_gateway::ctl

#endif  // BARION_GATEWAY_CLIENT_CTL_COMMANDS_H_
