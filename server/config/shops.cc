// The shops and wallets of the configuration: who the gateway acts for at Barion, with their
// keys (never echoed in an error) and the callback secrets of each shop.
#include <algorithm>
#include <map>
#include <set>
#include <tuple>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "openssl/evp.h"
#include "openssl/hmac.h"
#include "server/common/loopback.h"
#include "server/config/sections.h"

namespace barion_gateway::server {

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

namespace config_internal {
namespace {

namespace cfg = ::barion::gateway::config::v1;

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

// The payee and the wallets the shop's payments may pay, lower case.
absl::Status ReadPayees(const std::string& source, const std::string& where, const cfg::Shop& s,
                        ShopConfig* shop) {
  shop->payee = s.payee();
  if (shop->payee.empty() || shop->payee.find('@') == std::string::npos) {
    return Bad(source, where + ".payee", "must be the e-mail of the shop's Barion wallet");
  }
  shop->allowed_payees.push_back(absl::AsciiStrToLower(shop->payee));
  for (int p = 0; p < s.allowed_payees_size(); ++p) {
    const std::string& payee = s.allowed_payees(p);
    if (payee.find('@') == std::string::npos || payee.size() > 256) {
      return Bad(source, absl::StrCat(where, ".allowed_payees[", p, "]"),
                 "must be the e-mail of a Barion wallet");
    }
    shop->allowed_payees.push_back(absl::AsciiStrToLower(payee));
  }
  return absl::OkStatus();
}

// The country's delayed-capture limit (21 days in Hungary, 7 elsewhere) or the configured one.
absl::Status ReadCaptureLimit(const std::string& source, const std::string& where,
                              const cfg::Shop& s, ShopConfig* shop) {
  const std::string country = absl::AsciiStrToUpper(s.country());
  if (!country.empty() && (country.size() != 2 || !absl::ascii_isalpha(country[0]) ||
                           !absl::ascii_isalpha(country[1]))) {
    return Bad(source, where + ".country", "must be an ISO 3166-1 alpha-2 code (\"HU\")");
  }
  shop->max_delayed_capture = absl::Hours(24 * (country == "HU" ? 21 : 7));
  return SetDuration(source, where + ".max_delayed_capture_period",
                     s.has_max_delayed_capture_period(), s.max_delayed_capture_period(),
                     absl::Minutes(1), absl::Hours(24 * 21), "must be between 1m and 21d",
                     &shop->max_delayed_capture);
}

absl::Status ReadDefaults(const std::string& source, const std::string& where, const cfg::Shop& s,
                          ShopConfig* shop) {
  shop->default_redirect_url = s.defaults().redirect_url();
  shop->default_callback_url = s.defaults().callback_url();
  shop->default_locale = s.defaults().locale();
  if (!shop->default_redirect_url.empty() && !ValidUrl(shop->default_redirect_url)) {
    return Bad(source, where + ".defaults.redirect_url", "must be an absolute http(s) URL");
  }
  if (!shop->default_callback_url.empty() && !ValidUrl(shop->default_callback_url)) {
    return Bad(source, where + ".defaults.callback_url", "must be an absolute http(s) URL");
  }
  if (!shop->default_callback_url.empty() && !IsHttpsOrLoopbackUrl(shop->default_callback_url)) {
    return Bad(source, where + ".defaults.callback_url", kCallbacksNeedHttps);
  }
  return absl::OkStatus();
}

absl::StatusOr<ShopConfig> ParseShop(const cfg::Shop& s, const std::string& source,
                                     const std::string& where, const std::string& base_dir,
                                     const EnvLookup& env) {
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
  absl::Status status = ReadPayees(source, where, s, &shop);
  status.Update(ReadCaptureLimit(source, where, s, &shop));
  status.Update(ReadDefaults(source, where, s, &shop));
  if (!status.ok()) return status;
  if (absl::Status st = ReadCallbackSecrets(source, where, s, base_dir, env, &shop); !st.ok()) {
    return st;
  }
  return shop;
}

}  // namespace

absl::Status ParseShops(const GatewayConfigFile& file, const std::string& source,
                        const std::string& base_dir, const EnvLookup& env, Config* config) {
  if (file.shops().empty()) return Bad(source, "shops", "at least one shop is required");
  std::set<std::string> names;
  for (int i = 0; i < file.shops_size(); ++i) {
    const cfg::Shop& s = file.shops(i);
    absl::StatusOr<std::string> where = NamedEntry(source, "shops", i, s.name(), names);
    if (!where.ok()) return where.status();
    absl::StatusOr<ShopConfig> shop = ParseShop(s, source, *where, base_dir, env);
    if (!shop.ok()) return shop.status();
    config->shops.push_back(*std::move(shop));
  }
  if (absl::Status st = CheckNoShopAliases(config->shops); !st.ok()) {
    return Bad(source, "shops", std::string(st.message()));
  }
  return absl::OkStatus();
}

absl::Status ParseWallets(const GatewayConfigFile& file, const std::string& source,
                          const std::string& base_dir, const EnvLookup& env, Config* config) {
  std::set<std::string> names;
  for (int i = 0; i < file.wallets_size(); ++i) {
    const cfg::Wallet& w = file.wallets(i);
    absl::StatusOr<std::string> named = NamedEntry(source, "wallets", i, w.name(), names);
    if (!named.ok()) return named.status();
    const std::string& where = *named;
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
    config->wallets.push_back(std::move(wallet));
  }
  return absl::OkStatus();
}

}  // namespace config_internal
}  // namespace barion_gateway::server
