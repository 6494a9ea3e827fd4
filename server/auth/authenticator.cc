#include "server/auth/authenticator.h"

#include <openssl/crypto.h>
#include <openssl/sha.h>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "server/common/errors.h"

namespace barion_gateway::server {

TokenDigest DigestOf(absl::string_view token) {
  TokenDigest digest;
  SHA256(reinterpret_cast<const unsigned char*>(token.data()), token.size(), digest.data());
  return digest;
}

std::optional<TokenDigest> ParseTokenDigest(absl::string_view hex) {
  if (hex.size() != 64) return std::nullopt;
  TokenDigest digest;
  for (size_t i = 0; i < digest.size(); ++i) {
    int value = 0;
    for (char c : hex.substr(2 * i, 2)) {
      if (!absl::ascii_isxdigit(c)) return std::nullopt;
      value = value * 16 + (absl::ascii_isdigit(c) ? c - '0' : absl::ascii_tolower(c) - 'a' + 10);
    }
    digest[i] = static_cast<uint8_t>(value);
  }
  return digest;
}

Authenticator::Authenticator(std::vector<CallerPolicy> callers) {
  for (CallerPolicy& policy : callers) {
    auto shared = std::make_shared<const CallerPolicy>(std::move(policy));
    policies_.push_back(shared);
    for (const TokenDigest& digest : shared->token_digests) {
      const std::string credential = absl::StrCat(
          "token:", absl::string_view(reinterpret_cast<const char*>(digest.data()), digest.size()));
      by_token_.emplace_back(digest, std::make_shared<const Caller>(
                                         Caller{shared->name, shared, "token", credential}));
    }
    for (const std::string& principal : shared->principals) {
      principals_.emplace(principal, std::make_shared<const Caller>(
                                         Caller{shared->name, shared, "certificate",
                                                absl::StrCat("certificate:", principal)}));
    }
  }
  anonymous_ =
      std::make_shared<const Caller>(Caller{kAnonymousCallerName, nullptr, "none", "none"});
}

namespace {

absl::Status Unauthenticated(absl::string_view reason, absl::string_view message) {
  return GatewayErrorStatus(absl::StatusCode::kUnauthenticated, reason, message, {});
}

}  // namespace

std::shared_ptr<const Caller> Authenticator::CallerOfCredential(
    const std::string& credential) const {
  if (!enabled()) return anonymous_;
  if (credential.empty()) return nullptr;
  for (const auto& [digest, caller] : by_token_) {
    if (caller->credential == credential) return caller;
  }
  if (absl::StartsWith(credential, "certificate:")) {
    auto it = principals_.find(credential.substr(12));
    if (it != principals_.end()) return it->second;
  }
  return nullptr;
}

absl::StatusOr<std::shared_ptr<const Caller>> Authenticator::Authenticate(
    const Credentials& credentials) const {
  if (!enabled()) return anonymous_;
  if (credentials.has_authorization) {
    if (credentials.bearer_token.empty()) {
      return Unauthenticated("INVALID_AUTHORIZATION",
                             "the authorization header is not \"Bearer <token>\"");
    }
    const TokenDigest presented = DigestOf(credentials.bearer_token);
    const std::shared_ptr<const Caller>* found = nullptr;
    for (const auto& [digest, caller] : by_token_) {
      // Every digest is compared, to the last byte: no early exit reveals which one matched.
      if (CRYPTO_memcmp(digest.data(), presented.data(), digest.size()) == 0) found = &caller;
    }
    if (found == nullptr) {
      return Unauthenticated("UNKNOWN_TOKEN", "the bearer token is not a caller's token");
    }
    return *found;
  }
  for (const std::string& name : credentials.certificate_names) {
    auto it = principals_.find(name);
    if (it != principals_.end()) return it->second;
  }
  if (!credentials.certificate_names.empty()) {
    return Unauthenticated("CERTIFICATE_NOT_RECOGNIZED",
                           "the client certificate is trusted but names no caller of the "
                           "gateway's policy");
  }
  return Unauthenticated("NO_CREDENTIALS",
                         "this gateway requires a client certificate or a bearer token");
}

}  // namespace barion_gateway::server
