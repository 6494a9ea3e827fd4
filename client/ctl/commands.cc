#include "client/ctl/commands.h"

#include <cstdio>
#include <cstdlib>
#include <string>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace barion_gateway::ctl {
namespace {

const std::vector<Command>& All() {
  static const auto* all = [] {
    auto* commands = new std::vector<Command>(PaymentCommands());
    for (Command& c : WalletCommands()) commands->push_back(c);
    for (Command& c : WebhookCommands()) commands->push_back(c);
    return commands;
  }();
  return *all;
}

// Two commands per line: "  NAME  SUMMARY  NAME  SUMMARY", names padded to `name_width` and the
// first summary to `summary_width`.
std::string Columns(const std::vector<const Command*>& commands, int name_width,
                    int summary_width) {
  std::string out;
  for (size_t i = 0; i < commands.size(); i += 2) {
    const Command& a = *commands[i];
    if (i + 1 == commands.size()) {
      absl::StrAppend(&out, absl::StrFormat("  %-*s  %s\n", name_width, a.name, a.summary));
      break;
    }
    const Command& b = *commands[i + 1];
    absl::StrAppend(&out, absl::StrFormat("  %-*s  %-*s  %-*s  %s\n", name_width, a.name,
                                          summary_width, a.summary, name_width, b.name, b.summary));
  }
  return out;
}

}  // namespace

const Command* FindCommand(absl::string_view name) {
  for (const Command& c : All()) {
    if (name == c.name) return &c;
  }
  return nullptr;
}

const char* HelpFor(absl::string_view command) {
  if (const Command* c = FindCommand(command)) return c->help;
  if (absl::StartsWith(command, "wallet ")) return FindCommand("wallet")->help;
  if (absl::StartsWith(command, "webhooks ")) return FindCommand("webhooks")->help;
  return nullptr;
}

std::string UsageText() {
  std::vector<const Command*> payments, wallet, webhooks;
  for (const Command& c : All()) {
    if (c.run == nullptr) continue;  // a group
    (absl::StartsWith(c.name, "wallet ")     ? wallet
     : absl::StartsWith(c.name, "webhooks ") ? webhooks
                                             : payments)
        .push_back(&c);
  }
  return absl::StrCat(
      "barionctl: payments through barion-grpc-gateway\n\n"
      "Usage: barionctl [--gateway HOST:PORT] [--tls] [--ca FILE] [--cert FILE --key FILE]\n"
      "                 [--token-file FILE] [--output human|json] [--timeout SECONDS] COMMAND "
      "[FLAGS]\n\nCommands:\n",
      Columns(payments, 10, 27), "\nWallet commands (barionctl wallet --help):\n",
      Columns(wallet, 20, 15), "\nWebhook commands (barionctl webhooks --help):\n",
      Columns(webhooks, 20, 15),
      "\nGlobal flags: --gateway (default 127.0.0.1:50051), --output (human), --timeout (30).\n"
      "Connection (docs/SECURITY.md): --tls, --ca FILE (roots of the gateway's certificate),\n"
      "--cert FILE --key FILE (mTLS), --server-name NAME, --token-file FILE (a bearer token);\n"
      "or BARION_GATEWAY_ADDRESS, _TLS=1, _CA, _CERT, _KEY, _SERVER_NAME, _TOKEN_FILE.\n"
      "Every command takes --help; those that send a request also take --json FILE|- for the "
      "full\nrequest in proto JSON (see each command's --help).\n"
      "Exit codes: 0 ok, 1 local failure (a file could not be written), 2 usage error,\n"
      "3 refused (by Barion or the gateway's checks), 4 unavailable.\n");
}

int RunBarionctl(int argc, const char* const* argv) {
  const std::string usage = UsageText();
  absl::StatusOr<Args> args = ParseArgs(argc, argv);
  if (!args.ok()) {
    std::fprintf(stderr, "barionctl: %s\n%s", std::string(args.status().message()).c_str(),
                 usage.c_str());
    return kUsage;
  }
  if (args->command.empty()) {
    std::fputs(usage.c_str(), args->help ? stdout : stderr);
    return args->help ? kOk : kUsage;
  }
  const Command* command = FindCommand(args->command);
  if (args->help) {
    if (command == nullptr) {
      const char* help = HelpFor(args->command);
      std::fprintf(stderr, "barionctl: unknown command %s\n%s", args->command.c_str(),
                   help != nullptr ? help : usage.c_str());
      return kUsage;
    }
    std::fputs(command->help, stdout);
    return kOk;
  }
  const auto output = args->global.find("output");
  if (output != args->global.end() && output->second != "human" && output->second != "json") {
    std::fprintf(stderr, "barionctl: --output must be human or json\n");
    return kUsage;
  }
  absl::Status status;
  if (command == nullptr) {
    status = UsageError("unknown command " + args->command);
  } else if (command->run == nullptr) {
    status = UsageError(absl::StrCat("which ", command->name, " command?"));
  } else {
    absl::StatusOr<std::shared_ptr<grpc::Channel>> channel =
        GatewayChannel(*args, [](const std::string& name) -> std::optional<std::string> {
          const char* value = std::getenv(name.c_str());
          if (value == nullptr) return std::nullopt;
          return std::string(value);
        });
    if (channel.ok()) {
      Cli cli(*std::move(args), *std::move(channel));
      status = command->run(cli);
    } else {
      status = channel.status();
    }
  }
  if (IsUsageError(status)) {
    const char* help = HelpFor(command != nullptr ? command->name : "");
    std::fprintf(stderr, "barionctl: %s\n%s", std::string(status.message()).c_str(),
                 help != nullptr ? help : usage.c_str());
  } else if (!status.ok()) {
    std::fputs(ErrorReport(status).c_str(), stderr);
  }
  return ExitCodeFor(status);
}

}  // namespace barion_gateway::ctl
