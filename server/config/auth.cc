// The callers of the gateway's policy and the gRPC listener's TLS settings, validated together:
// what a caller may name must exist, every caller must be reachable, and a gateway reachable
// from other machines must authenticate its callers (docs/SECURITY.md).
#include <fstream>
#include <set>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "server/auth/authenticator.h"
#include "server/auth/method_pattern.h"
#include "server/common/loopback.h"
#include "server/config/sections.h"

namespace barion_gateway::server::config_internal {
namespace {

namespace cfg = ::barion::gateway::config::v1;

constexpr size_t kMinTokenLength = 32;

// A bearer token read from `file`, as its digest. The path and the content are never echoed.
absl::StatusOr<TokenDigest> ReadTokenFile(const std::string& source, const std::string& setting,
                                          const std::string& path) {
  const std::optional<std::string> token = ReadTrimmedFile(path);
  if (!token.has_value()) {
    return Bad(source, setting,
               "the file it names cannot be read (name the file that holds the token, not the "
               "token)");
  }
  if (token->size() < kMinTokenLength) {
    return Bad(source, setting,
               absl::StrCat("the token in the file it names is shorter than ", kMinTokenLength,
                            " characters (use e.g. openssl rand -hex 32)"));
  }
  return DigestOf(*token);
}

bool ValidPrincipal(const std::string& principal) {
  if (principal.empty() || principal.size() > 512) return false;
  return std::none_of(principal.begin(), principal.end(),
                      [](char c) { return absl::ascii_isspace(c) || absl::ascii_iscntrl(c); });
}

// Each name of `names` is "*" or one of `known`.
absl::Status CheckNames(const std::string& source, const std::string& setting,
                        const google::protobuf::RepeatedPtrField<std::string>& names,
                        const std::set<std::string>& known, const char* what) {
  for (int i = 0; i < names.size(); ++i) {
    if (names[i] != "*" && known.count(names[i]) == 0) {
      return Bad(source, absl::StrCat(setting, "[", i, "]"),
                 absl::StrCat("is not a ", what, " of this configuration (or \"*\")"));
    }
  }
  return absl::OkStatus();
}

absl::Status ParseMethods(const std::string& source, const std::string& setting,
                          const google::protobuf::RepeatedPtrField<std::string>& patterns,
                          std::vector<std::string>* out) {
  for (int i = 0; i < patterns.size(); ++i) {
    if (absl::Status s = ValidateMethodPattern(patterns[i]); !s.ok()) {
      return Bad(source, absl::StrCat(setting, "[", i, "]"), std::string(s.message()));
    }
    out->push_back(patterns[i]);
  }
  return absl::OkStatus();
}

// What proves a caller: its principals and token digests.
absl::Status ParseCredentials(const cfg::Caller& c, const std::string& source,
                              const std::string& where, const std::string& base_dir,
                              CallerPolicy* policy) {
  for (int i = 0; i < c.principals_size(); ++i) {
    if (!ValidPrincipal(c.principals(i))) {
      return Bad(source, absl::StrCat(where, ".principals[", i, "]"),
                 "must be a certificate's URI SAN or DNS SAN, without spaces");
    }
    policy->principals.push_back(c.principals(i));
  }
  for (int i = 0; i < c.token_sha256_size(); ++i) {
    std::optional<TokenDigest> digest = ParseTokenDigest(c.token_sha256(i));
    if (!digest) {
      // Describe, never echo: an operator may have pasted the token itself here.
      return Bad(source, absl::StrCat(where, ".token_sha256[", i, "]"),
                 "must be the token's SHA-256 as 64 hex digits (printf %s \"$TOKEN\" | "
                 "sha256sum), never the token itself");
    }
    policy->token_digests.push_back(*digest);
  }
  for (int i = 0; i < c.token_file_size(); ++i) {
    absl::StatusOr<TokenDigest> digest = ReadTokenFile(
        source, absl::StrCat(where, ".token_file[", i, "]"), Resolve(base_dir, c.token_file(i)));
    if (!digest.ok()) return digest.status();
    policy->token_digests.push_back(*digest);
  }
  if (policy->principals.empty() && policy->token_digests.empty()) {
    return Bad(source, where,
               "needs principals, token_sha256 or token_file: nothing would recognise it");
  }
  return absl::OkStatus();
}

absl::StatusOr<CallerPolicy> ParseCaller(const cfg::Caller& c, const std::string& source,
                                         const std::string& where, const std::string& base_dir,
                                         const Config& config) {
  CallerPolicy policy;
  policy.name = c.name();
  if (absl::Status s = ParseCredentials(c, source, where, base_dir, &policy); !s.ok()) return s;
  if (c.allow_methods().empty()) {
    return Bad(source, where + ".allow_methods", "needs at least one method pattern");
  }
  if (absl::Status s =
          ParseMethods(source, where + ".allow_methods", c.allow_methods(), &policy.allow_methods);
      !s.ok()) {
    return s;
  }
  if (absl::Status s =
          ParseMethods(source, where + ".deny_methods", c.deny_methods(), &policy.deny_methods);
      !s.ok()) {
    return s;
  }
  std::set<std::string> shops, wallets;
  for (const ShopConfig& shop : config.shops) shops.insert(shop.name);
  for (const WalletConfig& wallet : config.wallets) wallets.insert(wallet.name);
  if (absl::Status s = CheckNames(source, where + ".shops", c.shops(), shops, "shop"); !s.ok()) {
    return s;
  }
  if (absl::Status s = CheckNames(source, where + ".wallets", c.wallets(), wallets, "wallet");
      !s.ok()) {
    return s;
  }
  policy.shops.assign(c.shops().begin(), c.shops().end());
  policy.wallets.assign(c.wallets().begin(), c.wallets().end());
  return policy;
}

// No principal and no token recognises two callers.
absl::Status CheckDistinct(const std::string& source, const std::vector<CallerPolicy>& callers) {
  std::set<std::string> principals;
  std::set<TokenDigest> digests;
  for (size_t i = 0; i < callers.size(); ++i) {
    const std::string where = absl::StrCat("callers[", i, "] (", callers[i].name, ")");
    for (const std::string& p : callers[i].principals) {
      if (!principals.insert(p).second) {
        return Bad(source, where + ".principals", "a principal names two callers");
      }
    }
    for (const TokenDigest& d : callers[i].token_digests) {
      if (!digests.insert(d).second) {
        return Bad(source, where, "a token is given to two callers (or twice to one)");
      }
    }
  }
  return absl::OkStatus();
}

absl::Status ParseTls(const cfg::Listen& l, const std::string& source, const std::string& base_dir,
                      Config* config) {
  config->tls_client_ca_file = Resolve(base_dir, l.tls_client_ca_file());
  if (!config->tls_client_ca_file.empty() && config->tls_cert_file.empty()) {
    return Bad(source, "listen.tls_client_ca_file",
               "needs tls_cert_file and tls_key_file: client certificates need TLS");
  }
  if (l.client_certificates() == cfg::CLIENT_CERTIFICATES_REQUIRE) {
    if (config->tls_client_ca_file.empty()) {
      return Bad(source, "listen.client_certificates", "REQUIRE needs tls_client_ca_file");
    }
    config->require_client_certificate = true;
  }
  if (absl::Status s =
          SetDuration(source, "listen.tls_refresh_interval", l.has_tls_refresh_interval(),
                      l.tls_refresh_interval(), absl::Seconds(1), absl::Hours(1),
                      "must be between 1s and 1h", &config->tls_refresh_interval);
      !s.ok()) {
    return s;
  }
  config->allow_unauthenticated_insecure = l.allow_unauthenticated_insecure();
  return absl::OkStatus();
}

}  // namespace

// Secure by default: a listener other machines can reach authenticates its callers, and bearer
// tokens never cross a network in clear text.
absl::Status CheckExposure(const std::string& source, const Config& config) {
  if (config.allow_unauthenticated_insecure || IsLoopbackAddress(config.grpc_address)) {
    return absl::OkStatus();
  }
  if (config.callers.empty()) {
    return Bad(source, "callers",
               "listen.grpc_address is not a loopback address, so callers are required: "
               "anyone who can connect could move money (docs/SECURITY.md; "
               "listen.allow_unauthenticated_insecure overrides this for isolated test "
               "networks)");
  }
  const bool tokens = std::any_of(config.callers.begin(), config.callers.end(),
                                  [](const CallerPolicy& c) { return !c.token_digests.empty(); });
  if (tokens && config.tls_cert_file.empty()) {
    return Bad(source, "listen.tls_cert_file",
               "callers with bearer tokens on a non-loopback grpc_address need TLS: tokens "
               "would cross the network in clear text");
  }
  return absl::OkStatus();
}

absl::Status ParseAuth(const GatewayConfigFile& file, const std::string& source,
                       const std::string& base_dir, Config* config) {
  if (absl::Status s = ParseTls(file.listen(), source, base_dir, config); !s.ok()) return s;
  std::set<std::string> names;
  for (int i = 0; i < file.callers_size(); ++i) {
    const cfg::Caller& c = file.callers(i);
    const std::string at = absl::StrCat("callers[", i, "]");
    if (!ValidShopName(c.name())) {
      return Bad(source, at + ".name", "must be 1-64 characters of [a-z0-9_-]");
    }
    const std::string where = absl::StrCat(at, " (", c.name(), ")");
    if (c.name() == kAnonymousCallerName || c.name() == kGatewayCallerName) {
      return Bad(source, where + ".name",
                 "is reserved: the gateway's own callers are named anonymous and gateway");
    }
    if (!names.insert(c.name()).second) return Bad(source, where + ".name", "is used twice");
    absl::StatusOr<CallerPolicy> caller = ParseCaller(c, source, where, base_dir, *config);
    if (!caller.ok()) return caller.status();
    if (!caller->principals.empty() && config->tls_client_ca_file.empty()) {
      return Bad(source, where + ".principals",
                 "need listen.tls_client_ca_file: without it no client certificate is verified");
    }
    config->callers.push_back(*std::move(caller));
  }
  if (absl::Status s = CheckDistinct(source, config->callers); !s.ok()) return s;
  config->audit_path = Resolve(base_dir, file.audit().path());
  if (absl::Status s =
          SetDuration(source, "audit.flush_interval", file.audit().has_flush_interval(),
                      file.audit().flush_interval(), absl::Milliseconds(10), absl::Seconds(10),
                      "must be between 10ms and 10s", &config->audit_flush_interval);
      !s.ok()) {
    return s;
  }
  return CheckExposure(source, *config);
}

}  // namespace barion_gateway::server::config_internal

namespace barion_gateway::server {

absl::Status ValidateExposure(const Config& config) {
  return config_internal::CheckExposure("configuration", config);
}

}  // namespace barion_gateway::server
