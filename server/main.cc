// barion-grpc-gateway: Barion's payment API as gRPC. See README.md and docs/CONFIGURATION.md.
#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/flags/usage_config.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/synchronization/mutex.h"
#include "server/common/log.h"
#include "server/config/config.h"
#include "server/gateway.h"
#include "server/version.h"

ABSL_FLAG(std::string, config, "",
          "Configuration file (text-format GatewayConfig). Empty: the embedded defaults, which "
          "serve shop 'demo' against the local sandbox.");
ABSL_FLAG(std::string, grpc_address, "",
          "host:port for gRPC; overrides listen.grpc_address. Port 0 picks a free port.");
ABSL_FLAG(std::string, admin_address, "",
          "host:port of the admin listener (/metrics, /healthz, /readyz); overrides "
          "listen.admin_address. Port 0 picks a free port.");
ABSL_FLAG(std::string, callback_address, "",
          "host:port for Barion's callbacks; overrides listen.callback_address. Port 0 picks a "
          "free port.");
ABSL_FLAG(std::string, addresses_file, "",
          "After start, write the bound addresses here (lines key=host:port).");
ABSL_FLAG(std::string, barion_base_url, "", "Overrides barion.base_url.");
ABSL_FLAG(std::string, barion_ca_file, "", "Overrides barion.ca_file.");
ABSL_FLAG(bool, log_calls, true, "Log one line per RPC (failures are always logged).");
ABSL_FLAG(std::string, log_format, "text",
          "text: one readable line per event (for a terminal); json: one JSON object per line "
          "(for a log collector).");
ABSL_FLAG(std::string, log_level, "info",
          "The least severe lines written: debug, info, warn, error.");
ABSL_FLAG(std::string, check_config, "",
          "Validate this configuration file (and the files and environment variables it names) "
          "and exit: 0 when it is valid, 2 with the reason when not. Starts nothing.");
ABSL_FLAG(bool, new_event_store, false,
          "Start with a new, empty event store although data_dir held one that is now missing "
          "or different. Subscribers' cursors of the old store are then refused.");

namespace {

using barion_gateway::server::Config;

bool WriteAtomically(const std::string& path, const std::string& content) {
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    if (!(out << content)) return false;
  }
  return std::rename(tmp.c_str(), path.c_str()) == 0;
}

// The configuration: --config's file, or the embedded defaults.
absl::StatusOr<Config> LoadConfig() {
  namespace srv = barion_gateway::server;
  const std::string config_path = absl::GetFlag(FLAGS_config);
  return config_path.empty()
             ? srv::ParseConfig(
                   srv::DefaultConfigText(srv::ProcessEnv()("BARION_WALLET_API_KEY").has_value()),
                   "embedded defaults", ".", srv::ProcessEnv())
             : srv::LoadConfigFile(config_path, srv::ProcessEnv());
}

// --check_config: the file as the gateway would load it, and the checks of a start that need
// no socket. Prints what was checked, never a secret.
int CheckConfig(const std::string& path) {
  namespace srv = barion_gateway::server;
  absl::StatusOr<Config> config = srv::LoadConfigFile(path, srv::ProcessEnv());
  absl::Status valid = config.ok() ? srv::ValidateExposure(*config) : config.status();
  if (!valid.ok()) {
    std::fprintf(stderr, "%s: invalid: %s\n", path.c_str(), std::string(valid.message()).c_str());
    return 2;
  }
  std::vector<std::string> shops, wallets;
  for (const auto& shop : config->shops) shops.push_back(shop.name);
  for (const auto& wallet : config->wallets) wallets.push_back(wallet.name);
  std::printf("%s: valid (shops=%s wallets=%s callers=%zu grpc=%s admin=%s)\n", path.c_str(),
              absl::StrJoin(shops, ",").c_str(), absl::StrJoin(wallets, ",").c_str(),
              config->callers.size(), config->grpc_address.c_str(), config->admin_address.c_str());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  namespace srv = barion_gateway::server;
  absl::SetProgramUsageMessage(
      "Barion payment gateway behind gRPC (docs/CONFIGURATION.md).\n"
      "  barion_gateway --config=FILE        serve\n"
      "  barion_gateway --check_config=FILE  validate a configuration and exit");
  absl::FlagsUsageConfig usage;
  usage.contains_help_flags = [](absl::string_view file) {
    return absl::EndsWith(file, "server/main.cc");
  };
  usage.contains_helpshort_flags = usage.contains_help_flags;
  usage.version_string = [] {
    return absl::StrCat("barion-grpc-gateway ", srv::kGatewayVersion, " (commit ",
                        srv::GatewayCommit(), ")\n");
  };
  absl::SetFlagsUsageConfig(usage);
  absl::ParseCommandLine(argc, argv);
  // Abseil's Mutex cycle detection is a debugging aid; it showed in the gateway's CPU profile.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  srv::SetCallLogging(absl::GetFlag(FLAGS_log_calls));
  const std::optional<srv::LogFormat> format = srv::ParseLogFormat(absl::GetFlag(FLAGS_log_format));
  const std::optional<srv::LogLevel> level = srv::ParseLogLevel(absl::GetFlag(FLAGS_log_level));
  if (!format || !level) {
    std::fprintf(stderr,
                 "--log_format must be text or json; --log_level debug, info, warn or "
                 "error\n");
    return 2;
  }
  srv::SetLogFormat(*format);
  srv::SetMinLogLevel(*level);
  if (!absl::GetFlag(FLAGS_check_config).empty()) {
    return CheckConfig(absl::GetFlag(FLAGS_check_config));
  }

  // Block the signals before any thread starts, so that only sigwait below sees them.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  absl::StatusOr<Config> config = LoadConfig();
  if (!config.ok()) {
    srv::LogError(absl::StrCat("configuration rejected: ", config.status().message()));
    return 2;
  }
  if (!absl::GetFlag(FLAGS_grpc_address).empty()) {
    config->grpc_address = absl::GetFlag(FLAGS_grpc_address);
  }
  if (!absl::GetFlag(FLAGS_callback_address).empty()) {
    config->callback_address = absl::GetFlag(FLAGS_callback_address);
  }
  if (!absl::GetFlag(FLAGS_admin_address).empty()) {
    config->admin_address = absl::GetFlag(FLAGS_admin_address);
  }
  if (!absl::GetFlag(FLAGS_barion_base_url).empty()) {
    config->barion_base_url = absl::GetFlag(FLAGS_barion_base_url);
  }
  if (!absl::GetFlag(FLAGS_barion_ca_file).empty()) {
    config->barion_ca_file = absl::GetFlag(FLAGS_barion_ca_file);
  }

  config->new_event_store = absl::GetFlag(FLAGS_new_event_store);
  absl::StatusOr<std::unique_ptr<srv::GatewayServer>> gateway = srv::GatewayServer::Start(*config);
  if (!gateway.ok()) {
    srv::LogError(absl::StrCat("cannot start: ", gateway.status().message()));
    return 2;
  }
  std::vector<std::string> shops;
  for (const auto& shop : config->shops) shops.push_back(shop.name);
  const std::string addresses = absl::StrCat("grpc=", (*gateway)->grpc_address(),
                                             " callback=", (*gateway)->callback_address(),
                                             " admin=", (*gateway)->admin_address());
  const std::string addresses_file = absl::GetFlag(FLAGS_addresses_file);
  if (!addresses_file.empty() &&
      !WriteAtomically(addresses_file,
                       absl::StrCat("grpc=", (*gateway)->grpc_address(),
                                    "\ncallback=", (*gateway)->callback_address(),
                                    "\nadmin=", (*gateway)->admin_address(), "\n"))) {
    srv::LogError(absl::StrCat("cannot write --addresses_file ", addresses_file));
    return 2;
  }
  std::printf("barion-grpc-gateway serving %s barion=%s shops=%s\n", addresses.c_str(),
              config->barion_base_url.c_str(), absl::StrJoin(shops, ",").c_str());
  std::fflush(stdout);

  int signal_number = 0;
  // SIGHUP reloads the callers and the keys (docs/SECURITY.md#reloading); SIGTERM and SIGINT
  // stop.
  while (sigwait(&signals, &signal_number) == 0 && signal_number == SIGHUP) {
    // logrotate's postrotate: the audit log moves to a new file even if the configuration that
    // comes with the signal is refused.
    (*gateway)->ReopenAuditLog();
    absl::StatusOr<Config> next = LoadConfig();
    absl::Status reloaded = next.ok() ? (*gateway)->Reload(*next) : next.status();
    if (!reloaded.ok()) {
      srv::LogError(absl::StrCat("SIGHUP: reload refused, the running configuration stays: ",
                                 reloaded.message()));
    }
  }
  srv::LogInfo(absl::StrCat("signal ", signal_number, ": draining calls (up to 10 s)"));
  (*gateway)->Shutdown(absl::Seconds(10));
  srv::LogInfo("stopped");
  return 0;
}
