// What a sandbox simulates: its shops, its business wallets and its behaviour switches. Shared
// by the socket-free model (simulator.h) and the listeners (sandbox/sandbox.h).
#ifndef BARION_GATEWAY_SANDBOX_MODEL_OPTIONS_H_
#define BARION_GATEWAY_SANDBOX_MODEL_OPTIONS_H_

#include <string>
#include <vector>

namespace barion_gateway::sandbox {

struct SandboxShop {
  std::string name;     // for the control API
  std::string pos_key;  // 32 hex digits (hyphens allowed)
  std::string payee;    // the shop owner's wallet e-mail
  bool recurring_allowed = true;
  // ISO 3166-1 alpha-2: Barion holds a delayed capture 21 days for a Hungarian shop, 7 for others.
  std::string country = "HU";
};

// A business wallet reachable with an API key (wallet endpoints, docs/BARION.md §3). It gets a HUF
// account with 1,000,000 and an EUR account with 5,000.00.
struct SandboxWallet {
  std::string name;     // for logs
  std::string api_key;  // 32 hex digits
  std::string email;    // the wallet's e-mail
};

struct SandboxOptions {
  std::string http_address = "127.0.0.1:0";   // "" disables plain HTTP
  std::string https_address = "127.0.0.1:0";  // "" disables HTTPS
  std::string tls_dir;  // where ca.pem / ca-key.pem live (generated); required for HTTPS
  std::vector<SandboxShop> shops;
  std::vector<SandboxWallet> wallets;
  // Multiplies callback retry delays and the callback timeout (0.001 makes 2 s into 2 ms).
  double time_scale = 1.0;
  // HTTP status of AuthenticationFailed answers (400 as recorded in 2021; 401 per newer docs).
  int auth_failure_status = 400;
  // Barion's limit of 2 PaymentState calls per payment per 5 s (HTTP 429 beyond).
  bool rate_limit = true;
  // Worker threads per listener; a keep-alive connection holds one while it is open.
  int threads = 256;
  // Public base of the simulated payment page; "" uses the HTTPS (else HTTP) listener.
  std::string gateway_base_url;
  // PEM bundle that https:// callback receivers' certificates must chain to; "" uses the
  // system's trust store (as Barion uses public CAs).
  std::string callback_ca_file;
};

}  // namespace barion_gateway::sandbox

#endif  // BARION_GATEWAY_SANDBOX_MODEL_OPTIONS_H_
