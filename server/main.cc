// barion-grpc-gateway: Barion's payment API as gRPC. See README.md and docs/CONFIGURATION.md.
#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <string>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/synchronization/mutex.h"
#include "server/common/log.h"
#include "server/config.h"
#include "server/gateway.h"

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

}  // namespace

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage("Barion payment gateway behind gRPC.");
  absl::ParseCommandLine(argc, argv);
  // Abseil's Mutex cycle detection is a debugging aid; it showed in the gateway's CPU profile.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  namespace srv = barion_gateway::server;
  srv::SetCallLogging(absl::GetFlag(FLAGS_log_calls));

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
