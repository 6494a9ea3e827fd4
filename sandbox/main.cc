// barion-sandbox: a local Barion simulator. See docs/SANDBOX.md.
#include <signal.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "sandbox/sandbox.h"

ABSL_FLAG(std::string, http_address, "127.0.0.1:18080", "host:port for HTTP; \"\" disables.");
ABSL_FLAG(std::string, https_address, "127.0.0.1:18443", "host:port for HTTPS; \"\" disables.");
ABSL_FLAG(std::string, data_dir, "data/sandbox",
          "Folder for the generated CA (ca.pem, ca-key.pem).");
ABSL_FLAG(std::string, shops, "demo:BARION_POS_KEY:demo-shop@sandbox.local",
          "Comma-separated shops as name:POSKEY_ENV_VAR:payee-email. The POSKey is read from the "
          "named environment variable, never from a flag.");
ABSL_FLAG(std::string, wallets, "demo:BARION_WALLET_API_KEY:demo-wallet@sandbox.local",
          "Comma-separated wallets (API-key endpoints) as name:APIKEY_ENV_VAR:email. A wallet "
          "whose variable is not set is left out, with a notice.");
ABSL_FLAG(double, time_scale, 1.0, "Multiplies callback retry delays (0.01 = 100x faster).");
ABSL_FLAG(int, auth_failure_status, 400, "HTTP status of AuthenticationFailed answers.");
ABSL_FLAG(bool, rate_limit, true, "Apply Barion's PaymentState limit (2 per payment per 5 s).");
ABSL_FLAG(std::string, callback_ca_file, "",
          "PEM CAs that https callback receivers' certificates must chain to; \"\" uses the "
          "system's trust store.");
ABSL_FLAG(std::string, addresses_file, "", "After start, write the bound addresses here.");

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage("Local Barion simulator.");
  absl::ParseCommandLine(argc, argv);
  sigset_t stop;
  sigemptyset(&stop);
  sigaddset(&stop, SIGTERM);
  sigaddset(&stop, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop, nullptr);

  namespace sb = barion_gateway::sandbox;
  sb::SandboxOptions options;
  options.http_address = absl::GetFlag(FLAGS_http_address);
  options.https_address = absl::GetFlag(FLAGS_https_address);
  options.tls_dir = absl::GetFlag(FLAGS_data_dir);
  options.time_scale = absl::GetFlag(FLAGS_time_scale);
  options.auth_failure_status = absl::GetFlag(FLAGS_auth_failure_status);
  options.rate_limit = absl::GetFlag(FLAGS_rate_limit);
  options.callback_ca_file = absl::GetFlag(FLAGS_callback_ca_file);
  for (absl::string_view spec :
       absl::StrSplit(absl::GetFlag(FLAGS_shops), ',', absl::SkipEmpty())) {
    std::vector<std::string> parts = absl::StrSplit(spec, ':');
    if (parts.size() != 3) {
      std::fprintf(stderr, "--shops: \"%s\" is not name:ENV_VAR:payee\n",
                   std::string(spec).c_str());
      return 2;
    }
    const char* key = std::getenv(parts[1].c_str());
    if (key == nullptr || *key == '\0') {
      std::fprintf(stderr, "--shops: shop %s: environment variable %s is not set\n",
                   parts[0].c_str(), parts[1].c_str());
      return 2;
    }
    options.shops.push_back({parts[0], key, parts[2], true});
  }
  for (absl::string_view spec :
       absl::StrSplit(absl::GetFlag(FLAGS_wallets), ',', absl::SkipEmpty())) {
    std::vector<std::string> parts = absl::StrSplit(spec, ':');
    if (parts.size() != 3) {
      std::fprintf(stderr, "--wallets: \"%s\" is not name:ENV_VAR:email\n",
                   std::string(spec).c_str());
      return 2;
    }
    const char* key = std::getenv(parts[1].c_str());
    if (key == nullptr || *key == '\0') {
      std::fprintf(stderr, "--wallets: wallet %s left out: environment variable %s is not set\n",
                   parts[0].c_str(), parts[1].c_str());
      continue;
    }
    options.wallets.push_back({parts[0], key, parts[2]});
  }
  absl::StatusOr<std::unique_ptr<sb::Sandbox>> sandbox = sb::Sandbox::Start(options);
  if (!sandbox.ok()) {
    std::fprintf(stderr, "cannot start the sandbox: %s\n",
                 std::string(sandbox.status().message()).c_str());
    return 2;
  }
  std::string addresses;
  if ((*sandbox)->http_port() > 0) {
    absl::StrAppend(&addresses, "http=", (*sandbox)->http_url(), "\n");
  }
  if ((*sandbox)->https_port() > 0) {
    absl::StrAppend(&addresses, "https=", (*sandbox)->https_url(), "\n",
                    "ca=", (*sandbox)->ca_file(), "\n");
  }
  const std::string file = absl::GetFlag(FLAGS_addresses_file);
  if (!file.empty()) {
    {
      std::ofstream out(file + ".tmp", std::ios::trunc);
      out << addresses;
    }
    std::rename((file + ".tmp").c_str(), file.c_str());
  }
  std::string line = addresses;
  for (char& c : line) c = c == '\n' ? ' ' : c;
  std::printf("barion-sandbox serving %s\n", line.c_str());
  std::fflush(stdout);
  int sig = 0;
  sigwait(&stop, &sig);
  (*sandbox)->Stop();
  return 0;
}
