// Gateway configuration: loads the text-format GatewayConfig (proto/barion/gateway/config/v1),
// applies defaults, resolves secrets, and validates everything at once.
//
// Errors are INVALID_ARGUMENT whose message names the setting ("shops[1].payee: ...") and never
// contains a secret. Flags are not read here: main applies them to the loaded Config.
#ifndef BARION_GATEWAY_SERVER_CONFIG_CONFIG_H_
#define BARION_GATEWAY_SERVER_CONFIG_CONFIG_H_

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "server/auth/caller.h"
#include "server/config/env_lookup.h"
#include "server/webhooks/endpoint_config.h"

namespace barion_gateway::server {

// A shop as the service uses it. Holds the POSKey: never log or print a ShopConfig.
struct ShopConfig {
  std::string name;
  std::string pos_key;
  std::string payee;
  std::string default_redirect_url;
  std::string default_callback_url;
  std::string default_locale;
  // The callback secrets this shop's callback URL may carry: the current one first (put into
  // new payments' CallbackUrl), then the previous one during a rotation. Secret: never logged.
  std::vector<std::string> callback_secrets;
  // The wallets this shop's payments may pay (lower case): `payee` and the configured
  // allowed_payees. Empty (a shop built in code): `payee` only.
  std::vector<std::string> allowed_payees;
  // The longest a DELAYED_CAPTURE payment of this shop may wait for its capture: 21 days for a
  // Hungarian shop, 7 for others (Barion's rule), or the configured maximum.
  absl::Duration max_delayed_capture = absl::Hours(24 * 7);
};

// The callback secret derived from a POSKey when none is configured: HMAC-SHA256(POSKey,
// "barion-grpc-gateway callback secret for " + shop), 64 lower-case hex digits.
std::string DerivedCallbackSecret(const std::string& pos_key, const std::string& shop);

// `shops` with every shop's callback_secrets filled: a shop built without one (in code, not by
// ParseConfig) gets its derived secret. So the secrets are computed once, never per call.
std::vector<ShopConfig> WithCallbackSecrets(std::vector<ShopConfig> shops);

struct Config;

// INVALID_ARGUMENT when two of `shops` have the same POSKey (letter case and hyphens aside): the
// same Barion shop under two names would let a caller allowed one of them act on the other's
// payments, and record its events under the wrong name. The message names the shops, never the
// key.
absl::Status CheckNoShopAliases(const std::vector<ShopConfig>& shops);

// Every secret `config` holds: the shops' POSKeys and callback secrets (derived ones included),
// the wallets' API keys, the database password. What the gateway blots out of Barion's answers.
std::vector<std::string> SecretsOf(const Config& config);

// A Barion wallet whose operations the gateway performs (WalletService).
struct WalletConfig {
  std::string name;
  std::string api_key;  // secret: never logged
};

// The PostgreSQL database replicas share (docs/SCALING.md). Holds the database password: never
// log or print it.
struct PostgresStoreConfig {
  std::string dsn;       // libpq keywords, without the password
  std::string password;  // empty: none
  int pool_size = 8;
  absl::Duration claim_lease = absl::Seconds(30);
};

struct Config {
  std::vector<ShopConfig> shops;
  std::vector<WalletConfig> wallets;
  std::string barion_base_url;
  std::string barion_ca_file;
  int max_connections = 32;
  absl::Duration default_timeout = absl::Seconds(60);
  std::string grpc_address = "127.0.0.1:50051";
  int max_concurrent_calls = 256;
  std::string tls_cert_file;
  std::string tls_key_file;
  // mTLS: the CAs of client certificates; empty: none are asked for.
  std::string tls_client_ca_file;
  bool require_client_certificate = false;
  absl::Duration tls_refresh_interval = absl::Seconds(60);
  // Allows no callers on a non-loopback address, and tokens without TLS (a warning at start).
  bool allow_unauthenticated_insecure = false;
  // The policy's callers; empty: authentication off (docs/SECURITY.md). Holds token digests.
  std::vector<CallerPolicy> callers;
  // The audit log; empty: data_dir/audit.log.
  std::string audit_path;
  absl::Duration audit_flush_interval = absl::Milliseconds(200);
  std::string data_dir = "data";
  std::string callback_address = "127.0.0.1:8090";
  std::string admin_address = "127.0.0.1:8091";
  // The Prometheus metrics (listen.disable_metrics turns them off: /metrics is then 404).
  bool metrics_enabled = true;
  // Where Barion's callbacks go: callback_public_base_url (an https URL, http only to loopback;
  // empty: the shop's own setting at Barion), or, with callback_to_listener (the file's
  // callback_public_base_url "listener"), the callback listener's own bound address.
  std::string callback_public_base_url;
  bool callback_to_listener = false;
  absl::Duration reconcile_first_check = absl::Minutes(1);
  absl::Duration reconcile_max_interval = absl::Hours(1);
  absl::Duration heartbeat_interval = absl::Seconds(15);
  int subscriber_buffer_events = 1024;
  int max_subscribers = 10000;
  // Client connections: their lifetime, the grace after it, and their concurrent streams.
  absl::Duration max_connection_age = absl::Minutes(30);
  absl::Duration max_connection_age_grace = absl::Minutes(5);
  int max_streams_per_connection = 100;
  // The callback listener's source allowlist and the proxies whose X-Forwarded-For it believes
  // (CIDR text, checked by ParseConfig).
  std::vector<std::string> callback_allowed_sources;
  std::vector<std::string> callback_trusted_proxies;
  // The callback listener's own HTTPS (both set) or plain HTTP (both empty); re-read every
  // tls_refresh_interval.
  std::string callback_tls_cert_file;
  std::string callback_tls_key_file;
  int max_subscribers_per_client = 2500;
  absl::Duration subscriber_write_timeout = absl::Seconds(60);
  // Set by --new_event_store only: start with a new, empty event store although data_dir held
  // one that is now missing or different (its subscribers' cursors are then refused).
  bool new_event_store = false;
  // The stores in PostgreSQL (store.postgres); unset: SQLite in data_dir.
  std::optional<PostgresStoreConfig> postgres;
  double unknown_payment_fetches_per_second = 2;
  absl::Duration inbox_retention = absl::Hours(24 * 7);
  // Webhook endpoints and their retry schedule (docs/WEBHOOKS.md); holds signing secrets.
  WebhooksConfig webhooks;
};

// Parses and validates `text` (GatewayConfig in text format). `source` names the file in
// messages; `base_dir` resolves relative paths (pos_key_file, ca_file, data_dir).
absl::StatusOr<Config> ParseConfig(const std::string& text, const std::string& source,
                                   const std::string& base_dir, const EnvLookup& env);

// Reads the file at `path` and parses it as above.
absl::StatusOr<Config> LoadConfigFile(const std::string& path, const EnvLookup& env);

// The embedded default configuration: one shop "demo" (POSKey from $BARION_POS_KEY, payee
// demo-shop@sandbox.local) against the local sandbox at https://127.0.0.1:18443 with the CA
// the sandbox writes to data/sandbox/ca.pem, callbacks on http://127.0.0.1:18090. Used when the
// gateway runs without --config. With `with_wallet` (main: when $BARION_WALLET_API_KEY is set) it
// also has the wallet "demo", whose API key is that variable's value.
std::string DefaultConfigText(bool with_wallet = false);

// Secure by default (docs/SECURITY.md): INVALID_ARGUMENT when grpc_address is not a loopback
// address and there are no callers, or callers with bearer tokens but no TLS, unless
// allow_unauthenticated_insecure. ParseConfig checks it; the gateway checks it again at start,
// after flags changed the configuration.
absl::Status ValidateExposure(const Config& config);

// Checks a host:port listen address (port 0-65535; host not empty). OK or INVALID_ARGUMENT.
absl::Status ValidateListenAddress(const std::string& address, const std::string& setting);

}  // namespace barion_gateway::server

#endif  // BARION_GATEWAY_SERVER_CONFIG_CONFIG_H_
