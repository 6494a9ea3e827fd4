#include "server/config.h"

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <tuple>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "barion/gateway/config/v1/config.pb.h"
#include "google/protobuf/io/tokenizer.h"
#include "google/protobuf/text_format.h"
#include "openssl/evp.h"
#include "openssl/hmac.h"
#include "server/common/loopback.h"
#include "server/common/network_list.h"
#include "server/config_internal.h"

namespace barion_gateway::server {
namespace {

namespace cfg = ::barion::gateway::config::v1;

// Collects text-format parse errors with their line numbers.
class ParseErrors : public google::protobuf::io::ErrorCollector {
 public:
  void AddError(int line, google::protobuf::io::ColumnNumber column,
                const std::string& message) override {
    if (first_.empty()) first_ = absl::StrCat("line ", line + 1, ":", column + 1, ": ", message);
  }
  const std::string& first() const { return first_; }

 private:
  std::string first_;
};

constexpr char kCallbacksNeedHttps[] =
    "must be https: Barion calls only https callback URLs (http only to loopback, docs/BARION.md)";

bool ValidUrl(const std::string& url) {
  return absl::StartsWith(url, "https://") || absl::StartsWith(url, "http://");
}

}  // namespace

namespace config_internal {

std::string Resolve(const std::string& base_dir, const std::string& path) {
  if (path.empty() || path[0] == '/' || base_dir.empty() || base_dir == ".") return path;
  return absl::StrCat(base_dir, "/", path);
}

absl::Status Bad(const std::string& source, const std::string& setting,
                 const std::string& problem) {
  return absl::InvalidArgumentError(absl::StrCat(source, ": ", setting, ": ", problem));
}

bool ValidShopName(const std::string& name) {
  if (name.empty() || name.size() > 64) return false;
  for (char c : name) {
    if (!(absl::ascii_islower(c) || absl::ascii_isdigit(c) || c == '_' || c == '-')) return false;
  }
  return true;
}

bool ValidEnvName(const std::string& name) {
  if (name.empty() || name.size() > 128 || absl::ascii_isdigit(name[0])) return false;
  return std::all_of(name.begin(), name.end(),
                     [](char c) { return absl::ascii_isalnum(c) || c == '_'; });
}

absl::StatusOr<std::string> ReadSecret(const std::string& source, const std::string& where,
                                       const std::string& what, const std::string& env_name,
                                       const std::string& file, const std::string& base_dir,
                                       const EnvLookup& env) {
  if (!env_name.empty() && !file.empty()) {
    return Bad(source, where, absl::StrCat("set ", what, "_env or ", what, "_file, not both"));
  }
  if (!env_name.empty()) {
    const std::string setting = absl::StrCat(where, ".", what, "_env");
    if (!ValidEnvName(env_name)) {
      return Bad(source, setting,
                 "is not an environment variable name (letters, digits and _, not starting "
                 "with a digit): name the variable that holds the secret, not the secret");
    }
    std::optional<std::string> key = env(env_name);
    if (!key || key->empty()) {
      return Bad(source, setting, "the environment variable it names is not set");
    }
    return *key;
  }
  if (!file.empty()) {
    const std::string setting = absl::StrCat(where, ".", what, "_file");
    std::ifstream in(Resolve(base_dir, file));
    if (!in) {
      return Bad(source, setting,
                 "the file it names cannot be read (name the file that holds the secret, not "
                 "the secret)");
    }
    std::stringstream content;
    content << in.rdbuf();
    std::string key(absl::StripAsciiWhitespace(content.str()));
    if (key.empty()) return Bad(source, setting, "the file it names is empty");
    return key;
  }
  return Bad(source, where, absl::StrCat(what, "_env or ", what, "_file is required"));
}

}  // namespace config_internal

using config_internal::Bad;
using config_internal::ReadSecret;
using config_internal::Resolve;
using config_internal::ValidShopName;

EnvLookup ProcessEnv() {
  return [](const std::string& name) -> std::optional<std::string> {
    const char* value = std::getenv(name.c_str());
    if (value == nullptr) return std::nullopt;
    return std::string(value);
  };
}

absl::Status ValidateListenAddress(const std::string& address, const std::string& setting) {
  size_t colon = address.rfind(':');
  int port;
  if (colon == std::string::npos || colon == 0 ||
      !absl::SimpleAtoi(address.substr(colon + 1), &port) || port < 0 || port > 65535) {
    // The value is not echoed: a secret pasted here must not reach a log.
    return absl::InvalidArgumentError(
        absl::StrCat(setting, ": is not host:port (port 0 picks a free one)"));
  }
  return absl::OkStatus();
}

std::string DerivedCallbackSecret(const std::string& pos_key, const std::string& shop) {
  const std::string message = "barion-grpc-gateway callback secret for " + shop;
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), pos_key.data(), static_cast<int>(pos_key.size()),
       reinterpret_cast<const unsigned char*>(message.data()), message.size(), mac, &length);
  std::string hex;
  for (unsigned int i = 0; i < length; ++i)
    absl::StrAppend(&hex, absl::Hex(mac[i], absl::kZeroPad2));
  return hex;
}

std::vector<ShopConfig> WithCallbackSecrets(std::vector<ShopConfig> shops) {
  for (ShopConfig& shop : shops) {
    if (shop.callback_secrets.empty()) {
      shop.callback_secrets.push_back(DerivedCallbackSecret(shop.pos_key, shop.name));
    }
  }
  return shops;
}

absl::Status CheckNoShopAliases(const std::vector<ShopConfig>& shops) {
  std::map<std::string, std::string> owner;  // normalized POSKey -> shop
  for (const ShopConfig& shop : shops) {
    std::string key = absl::AsciiStrToLower(shop.pos_key);
    key.erase(std::remove(key.begin(), key.end(), '-'), key.end());
    auto [at, inserted] = owner.emplace(key, shop.name);
    if (!inserted) {
      // Names the shops, never the key.
      return absl::InvalidArgumentError(absl::StrCat(
          "shops \"", at->second, "\" and \"", shop.name,
          "\" have the same POSKey: one Barion shop configured twice would let a caller of one "
          "act on the other's payments"));
    }
  }
  return absl::OkStatus();
}

std::vector<std::string> SecretsOf(const Config& config) {
  std::vector<std::string> secrets;
  for (const ShopConfig& shop : WithCallbackSecrets(config.shops)) {
    secrets.push_back(shop.pos_key);
    secrets.insert(secrets.end(), shop.callback_secrets.begin(), shop.callback_secrets.end());
  }
  for (const WalletConfig& wallet : config.wallets) secrets.push_back(wallet.api_key);
  if (config.postgres.has_value()) secrets.push_back(config.postgres->password);
  for (const WebhookEndpointConfig& endpoint : config.webhooks.endpoints) {
    for (const std::string& text : endpoint.secret_texts) {
      secrets.push_back(text);
      secrets.push_back(text.substr(text.find('_') + 1));  // the base64 alone
    }
  }
  return secrets;
}

namespace {

bool ValidCallbackSecret(const std::string& secret) {
  return secret.size() >= 32 && secret.size() <= 128 &&
         std::all_of(secret.begin(), secret.end(),
                     [](char c) { return absl::ascii_isalnum(c) || c == '_' || c == '-'; });
}

// The shop's callback secrets (current first, then previous), or an error naming the setting.
absl::Status ReadCallbackSecrets(const std::string& source, const std::string& where,
                                 const cfg::Shop& s, const std::string& base_dir,
                                 const EnvLookup& env, ShopConfig* shop) {
  if (s.callback_secret_env().empty() && s.callback_secret_file().empty()) {
    if (!s.previous_callback_secret_env().empty() || !s.previous_callback_secret_file().empty()) {
      return Bad(source, where + ".previous_callback_secret_env",
                 "needs callback_secret_env or callback_secret_file (the new secret)");
    }
    shop->callback_secrets.push_back(DerivedCallbackSecret(shop->pos_key, shop->name));
    return absl::OkStatus();
  }
  for (const auto& [what, env_name, file] :
       {std::make_tuple("callback_secret", s.callback_secret_env(), s.callback_secret_file()),
        std::make_tuple("previous_callback_secret", s.previous_callback_secret_env(),
                        s.previous_callback_secret_file())}) {
    if (env_name.empty() && file.empty()) continue;
    absl::StatusOr<std::string> secret =
        ReadSecret(source, where, what, env_name, file, base_dir, env);
    if (!secret.ok()) return secret.status();
    if (!ValidCallbackSecret(*secret)) {
      // Describe, never echo, the secret.
      return Bad(source, absl::StrCat(where, ".", what),
                 "must be 32-128 characters of [A-Za-z0-9_-] (it becomes part of a URL)");
    }
    shop->callback_secrets.push_back(*std::move(secret));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<Config> ParseConfig(const std::string& text, const std::string& source,
                                   const std::string& base_dir, const EnvLookup& env) {
  cfg::GatewayConfig file;
  google::protobuf::TextFormat::Parser parser;
  ParseErrors errors;
  parser.RecordErrorsTo(&errors);
  if (!parser.ParseFromString(text, &file)) {
    return absl::InvalidArgumentError(absl::StrCat(source, ": ", errors.first()));
  }

  Config config;
  if (file.shops().empty()) return Bad(source, "shops", "at least one shop is required");
  std::set<std::string> names;
  for (int i = 0; i < file.shops_size(); ++i) {
    const cfg::Shop& s = file.shops(i);
    const std::string at = absl::StrCat("shops[", i, "]");
    if (!ValidShopName(s.name())) {
      return Bad(source, at + ".name", "must be 1-64 characters of [a-z0-9_-]");
    }
    const std::string where = absl::StrCat(at, " (", s.name(), ")");
    if (!names.insert(s.name()).second) return Bad(source, where + ".name", "is used twice");
    ShopConfig shop;
    shop.name = s.name();
    absl::StatusOr<std::string> key =
        ReadSecret(source, where, "pos_key", s.pos_key_env(), s.pos_key_file(), base_dir, env);
    if (!key.ok()) return key.status();
    shop.pos_key = *std::move(key);
    for (char c : shop.pos_key) {
      if (!(absl::ascii_isxdigit(c) || c == '-')) {
        // Describe, never echo, the key.
        return Bad(source, where + ".pos_key",
                   "the POSKey must be a GUID (hex digits, hyphens optional)");
      }
    }
    shop.payee = s.payee();
    if (shop.payee.empty() || shop.payee.find('@') == std::string::npos) {
      return Bad(source, where + ".payee", "must be the e-mail of the shop's Barion wallet");
    }
    shop.allowed_payees.push_back(absl::AsciiStrToLower(shop.payee));
    for (int p = 0; p < s.allowed_payees_size(); ++p) {
      const std::string& payee = s.allowed_payees(p);
      if (payee.find('@') == std::string::npos || payee.size() > 256) {
        return Bad(source, absl::StrCat(where, ".allowed_payees[", p, "]"),
                   "must be the e-mail of a Barion wallet");
      }
      shop.allowed_payees.push_back(absl::AsciiStrToLower(payee));
    }
    const std::string country = absl::AsciiStrToUpper(s.country());
    if (!country.empty() && (country.size() != 2 || !absl::ascii_isalpha(country[0]) ||
                             !absl::ascii_isalpha(country[1]))) {
      return Bad(source, where + ".country", "must be an ISO 3166-1 alpha-2 code (\"HU\")");
    }
    shop.max_delayed_capture = absl::Hours(24 * (country == "HU" ? 21 : 7));
    if (s.has_max_delayed_capture_period()) {
      shop.max_delayed_capture = absl::Seconds(s.max_delayed_capture_period().seconds()) +
                                 absl::Nanoseconds(s.max_delayed_capture_period().nanos());
      if (shop.max_delayed_capture < absl::Minutes(1) ||
          shop.max_delayed_capture > absl::Hours(24 * 21)) {
        return Bad(source, where + ".max_delayed_capture_period", "must be between 1m and 21d");
      }
    }
    shop.default_redirect_url = s.defaults().redirect_url();
    shop.default_callback_url = s.defaults().callback_url();
    shop.default_locale = s.defaults().locale();
    if (!shop.default_redirect_url.empty() && !ValidUrl(shop.default_redirect_url)) {
      return Bad(source, where + ".defaults.redirect_url", "must be an absolute http(s) URL");
    }
    if (!shop.default_callback_url.empty() && !ValidUrl(shop.default_callback_url)) {
      return Bad(source, where + ".defaults.callback_url", "must be an absolute http(s) URL");
    }
    if (!shop.default_callback_url.empty() && !IsHttpsOrLoopbackUrl(shop.default_callback_url)) {
      return Bad(source, where + ".defaults.callback_url", kCallbacksNeedHttps);
    }
    if (absl::Status st = ReadCallbackSecrets(source, where, s, base_dir, env, &shop); !st.ok()) {
      return st;
    }
    config.shops.push_back(std::move(shop));
  }
  if (absl::Status st = CheckNoShopAliases(config.shops); !st.ok()) {
    return Bad(source, "shops", std::string(st.message()));
  }

  std::set<std::string> wallet_names;
  for (int i = 0; i < file.wallets_size(); ++i) {
    const cfg::Wallet& w = file.wallets(i);
    const std::string at = absl::StrCat("wallets[", i, "]");
    if (!ValidShopName(w.name())) {
      return Bad(source, at + ".name", "must be 1-64 characters of [a-z0-9_-]");
    }
    const std::string where = absl::StrCat(at, " (", w.name(), ")");
    if (!wallet_names.insert(w.name()).second) {
      return Bad(source, where + ".name", "is used twice");
    }
    WalletConfig wallet;
    wallet.name = w.name();
    absl::StatusOr<std::string> key =
        ReadSecret(source, where, "api_key", w.api_key_env(), w.api_key_file(), base_dir, env);
    if (!key.ok()) return key.status();
    wallet.api_key = *std::move(key);
    if (wallet.api_key.size() != 32 ||
        !std::all_of(wallet.api_key.begin(), wallet.api_key.end(),
                     [](char c) { return absl::ascii_isxdigit(c); })) {
      // Describe, never echo, the key.
      return Bad(source, where + ".api_key", "the API key must be 32 hex digits");
    }
    config.wallets.push_back(std::move(wallet));
  }

  const cfg::Barion& b = file.barion();
  if (!b.base_url().empty()) {
    config.barion_base_url = b.base_url();
  } else if (b.environment() == cfg::BARION_ENVIRONMENT_PRODUCTION) {
    config.barion_base_url = "https://api.barion.com";
  } else {
    config.barion_base_url = "https://api.test.barion.com";
  }
  if (!ValidUrl(config.barion_base_url)) {
    return Bad(source, "barion.base_url", "must start with https:// or http://");
  }
  if (absl::string_view rest = config.barion_base_url;
      absl::ConsumePrefix(&rest, "http://") && !IsLoopbackAddress(rest.substr(0, rest.find('/')))) {
    return Bad(source, "barion.base_url",
               "http:// is allowed only to a loopback address (the local sandbox): every call "
               "carries a POSKey or an API key");
  }
  config.barion_ca_file = Resolve(base_dir, b.ca_file());
  if (b.max_connections() != 0) {
    if (b.max_connections() < 1 || b.max_connections() > 1024) {
      return Bad(source, "barion.max_connections", "must be 1-1024");
    }
    config.max_connections = b.max_connections();
  }
  if (b.has_default_timeout()) {
    absl::Duration d = absl::Seconds(b.default_timeout().seconds()) +
                       absl::Nanoseconds(b.default_timeout().nanos());
    if (d < absl::Seconds(1) || d > absl::Minutes(10)) {
      return Bad(source, "barion.default_timeout", "must be between 1s and 10m");
    }
    config.default_timeout = d;
  }

  const cfg::Listen& l = file.listen();
  if (!l.grpc_address().empty()) config.grpc_address = l.grpc_address();
  if (absl::Status s = ValidateListenAddress(config.grpc_address, "listen.grpc_address"); !s.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(source, ": ", s.message()));
  }
  if (l.max_concurrent_calls() != 0) {
    if (l.max_concurrent_calls() < 4 || l.max_concurrent_calls() > 4096) {
      return Bad(source, "listen.max_concurrent_calls", "must be 4-4096");
    }
    config.max_concurrent_calls = l.max_concurrent_calls();
  }
  if (l.tls_cert_file().empty() != l.tls_key_file().empty()) {
    return Bad(source, "listen.tls_cert_file", "tls_cert_file and tls_key_file go together");
  }
  config.tls_cert_file = Resolve(base_dir, l.tls_cert_file());
  config.tls_key_file = Resolve(base_dir, l.tls_key_file());
  config.callback_tls_cert_file = Resolve(base_dir, l.callback_tls_cert_file());
  config.callback_tls_key_file = Resolve(base_dir, l.callback_tls_key_file());
  if (config.callback_tls_cert_file.empty() != config.callback_tls_key_file.empty()) {
    return Bad(source,
               config.callback_tls_cert_file.empty() ? "listen.callback_tls_cert_file"
                                                     : "listen.callback_tls_key_file",
               "needs listen.callback_tls_cert_file and listen.callback_tls_key_file together");
  }
  if (!file.data_dir().empty()) config.data_dir = Resolve(base_dir, file.data_dir());
  if (!l.callback_address().empty()) config.callback_address = l.callback_address();
  if (absl::Status s = ValidateListenAddress(config.callback_address, "listen.callback_address");
      !s.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(source, ": ", s.message()));
  }
  if (!l.admin_address().empty()) config.admin_address = l.admin_address();
  if (l.disable_metrics()) config.metrics_enabled = false;
  auto duration = [](const google::protobuf::Duration& d) {
    return absl::Seconds(d.seconds()) + absl::Nanoseconds(d.nanos());
  };
  if (l.has_max_connection_age()) {
    config.max_connection_age = duration(l.max_connection_age());
    if (config.max_connection_age < absl::Minutes(1) ||
        config.max_connection_age > absl::Hours(24)) {
      return Bad(source, "listen.max_connection_age", "must be between 1m and 24h");
    }
  }
  if (l.has_max_connection_age_grace()) {
    config.max_connection_age_grace = duration(l.max_connection_age_grace());
    if (config.max_connection_age_grace < absl::Seconds(1) ||
        config.max_connection_age_grace > absl::Hours(24)) {
      return Bad(source, "listen.max_connection_age_grace", "must be between 1s and 24h");
    }
  }
  for (auto [field, values, out] :
       {std::tuple{"listen.callback_allowed_sources", &l.callback_allowed_sources(),
                   &config.callback_allowed_sources},
        std::tuple{"listen.callback_trusted_proxies", &l.callback_trusted_proxies(),
                   &config.callback_trusted_proxies}}) {
    out->assign(values->begin(), values->end());
    if (absl::StatusOr<NetworkList> parsed = NetworkList::Parse(*out); !parsed.ok()) {
      return Bad(source, field, std::string(parsed.status().message()));
    }
  }
  if (l.max_streams_per_connection() != 0) {
    if (l.max_streams_per_connection() < 1 || l.max_streams_per_connection() > 10000) {
      return Bad(source, "listen.max_streams_per_connection", "must be 1-10000");
    }
    config.max_streams_per_connection = l.max_streams_per_connection();
  }
  if (absl::Status s = ValidateListenAddress(config.admin_address, "listen.admin_address");
      !s.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(source, ": ", s.message()));
  }
  config.callback_public_base_url = file.callback_public_base_url();
  while (!config.callback_public_base_url.empty() &&
         config.callback_public_base_url.back() == '/') {
    config.callback_public_base_url.pop_back();
  }
  if (config.callback_public_base_url == "listener") {
    config.callback_to_listener = true;
    config.callback_public_base_url.clear();
  }
  if (!config.callback_public_base_url.empty() && !ValidUrl(config.callback_public_base_url)) {
    return Bad(source, "callback_public_base_url",
               "must be an absolute http(s) URL, or \"listener\"");
  }
  if (!config.callback_public_base_url.empty() &&
      !IsHttpsOrLoopbackUrl(config.callback_public_base_url)) {
    return Bad(source, "callback_public_base_url", kCallbacksNeedHttps);
  }
  const cfg::Reconciliation& rec = file.reconciliation();
  if (rec.has_first_check()) {
    config.reconcile_first_check = duration(rec.first_check());
    if (config.reconcile_first_check < absl::Seconds(1) ||
        config.reconcile_first_check > absl::Hours(1)) {
      return Bad(source, "reconciliation.first_check", "must be between 1s and 1h");
    }
  }
  if (rec.has_max_interval()) {
    config.reconcile_max_interval = duration(rec.max_interval());
  }
  if (config.reconcile_max_interval < config.reconcile_first_check ||
      config.reconcile_max_interval > absl::Hours(24)) {
    return Bad(source, "reconciliation.max_interval", "must be between first_check and 24h");
  }
  const cfg::Subscriptions& subs = file.subscriptions();
  if (subs.has_heartbeat_interval()) {
    config.heartbeat_interval = duration(subs.heartbeat_interval());
    if (config.heartbeat_interval < absl::Seconds(1) ||
        config.heartbeat_interval > absl::Minutes(10)) {
      return Bad(source, "subscriptions.heartbeat_interval", "must be between 1s and 10m");
    }
  }
  if (subs.has_write_timeout()) {
    config.subscriber_write_timeout = duration(subs.write_timeout());
    if (config.subscriber_write_timeout < absl::Seconds(1) ||
        config.subscriber_write_timeout > absl::Minutes(10)) {
      return Bad(source, "subscriptions.write_timeout", "must be between 1s and 10m");
    }
  }
  if (subs.buffer_events() != 0) {
    if (subs.buffer_events() < 16 || subs.buffer_events() > 100000) {
      return Bad(source, "subscriptions.buffer_events", "must be between 16 and 100000");
    }
    config.subscriber_buffer_events = subs.buffer_events();
  }
  if (subs.max_subscribers_per_client() != 0) {
    if (subs.max_subscribers_per_client() < 1 || subs.max_subscribers_per_client() > 100000) {
      return Bad(source, "subscriptions.max_subscribers_per_client",
                 "must be between 1 and 100000");
    }
    config.max_subscribers_per_client = subs.max_subscribers_per_client();
  }
  if (subs.max_subscribers() != 0) {
    if (subs.max_subscribers() < 1 || subs.max_subscribers() > 100000) {
      return Bad(source, "subscriptions.max_subscribers", "must be between 1 and 100000");
    }
    config.max_subscribers = subs.max_subscribers();
  }
  const cfg::Callbacks& cb = file.callbacks();
  if (cb.unknown_payment_fetches_per_second() != 0) {
    if (!(cb.unknown_payment_fetches_per_second() >= 0.1 &&
          cb.unknown_payment_fetches_per_second() <= 100)) {
      return Bad(source, "callbacks.unknown_payment_fetches_per_second",
                 "must be between 0.1 and 100");
    }
    config.unknown_payment_fetches_per_second = cb.unknown_payment_fetches_per_second();
  }
  if (cb.has_inbox_retention()) {
    config.inbox_retention = duration(cb.inbox_retention());
    if (config.inbox_retention < absl::Hours(1) || config.inbox_retention > absl::Hours(24 * 365)) {
      return Bad(source, "callbacks.inbox_retention", "must be between 1h and 365 days");
    }
  }
  if (absl::Status s = config_internal::ParseStore(file, source, base_dir, env, &config); !s.ok()) {
    return s;
  }
  if (absl::Status s = config_internal::ParseAuth(file, source, base_dir, &config); !s.ok()) {
    return s;
  }
  if (absl::Status s = config_internal::ParseWebhooks(file, source, base_dir, env, &config);
      !s.ok()) {
    return s;
  }
  return config;
}

absl::StatusOr<Config> LoadConfigFile(const std::string& path, const EnvLookup& env) {
  std::ifstream in(path);
  if (!in) return absl::InvalidArgumentError(absl::StrCat(path, ": cannot read the file"));
  std::stringstream content;
  content << in.rdbuf();
  size_t slash = path.rfind('/');
  std::string base_dir = slash == std::string::npos ? "." : path.substr(0, slash);
  return ParseConfig(content.str(), path, base_dir, env);
}

std::string DefaultConfigText(bool with_wallet) {
  std::string text = R"pb(
    shops {
      name: "demo"
      pos_key_env: "BARION_POS_KEY"
      payee: "demo-shop@sandbox.local"
      country: "HU"
      defaults { redirect_url: "http://127.0.0.1:8080/payment/return" locale: "en-US" }
    }
    barion { base_url: "https://127.0.0.1:18443" ca_file: "data/sandbox/ca.pem" }
    listen { grpc_address: "127.0.0.1:50051" callback_address: "127.0.0.1:18090" }
    data_dir: "data"
    callback_public_base_url: "listener"
  )pb";
  if (with_wallet) {
    text += R"pb(wallets { name: "demo" api_key_env: "BARION_WALLET_API_KEY" })pb";
  }
  return text;
}

}  // namespace barion_gateway::server
