// Authenticator: which caller of the policy a call is, from the credentials it presents
// (docs/SECURITY.md). Immutable and thread-safe; a reload builds a new one
// (AuthenticatorHolder swaps it in, so calls in flight keep the one they started with).
//
// The rules:
// - No callers configured: authentication is off and every call is "anonymous", unrestricted.
//   The configuration allows that only on a loopback listener (or with the loudly named
//   listen.allow_unauthenticated_insecure).
// - A call that carries an `authorization` header is the caller of that bearer token, or is
//   refused (UNKNOWN_TOKEN), even when it also presents a certificate.
// - Otherwise it is the caller one of whose principals equals one of the verified certificate's
//   URI SANs or DNS SANs (URI SANs first), or is refused (CERTIFICATE_NOT_RECOGNIZED).
// - Without either: NO_CREDENTIALS.
// Refusals are UNAUTHENTICATED with a gateway ErrorInfo whose reason says which; they never
// echo a token or a certificate name.
//
// Tokens are kept as SHA-256 digests only. The presented token is hashed once and compared with
// every configured digest with CRYPTO_memcmp, all of them every time: the time taken does not
// depend on which bytes match.
#ifndef BARION_GATEWAY_SERVER_AUTH_AUTHENTICATOR_H_
#define BARION_GATEWAY_SERVER_AUTH_AUTHENTICATOR_H_

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "server/auth/caller.h"

namespace barion_gateway::server {

// SHA-256 of `token`.
TokenDigest DigestOf(absl::string_view token);

// The digest written as 64 hex digits (lower or upper case), or nullopt.
std::optional<TokenDigest> ParseTokenDigest(absl::string_view hex);

class Authenticator {
 public:
  // `callers` empty: authentication off. Precondition: names unique, principals unique across
  // callers, no digest shared by two callers (the configuration checks it).
  explicit Authenticator(std::vector<CallerPolicy> callers);

  bool enabled() const { return !by_token_.empty() || !principals_.empty(); }

  absl::StatusOr<std::shared_ptr<const Caller>> Authenticate(const Credentials& credentials) const;

  // The callers, for a reload's comparison and for logging their names.
  const std::vector<std::shared_ptr<const CallerPolicy>>& callers() const { return policies_; }

  // The caller that `credential` (a Caller::credential of any Authenticator) is under this
  // policy, or null: after a reload, whether a stream's credential still names a caller.
  std::shared_ptr<const Caller> CallerOfCredential(const std::string& credential) const;

 private:
  std::vector<std::shared_ptr<const CallerPolicy>> policies_;
  // One Caller per way of being recognised, built once: authenticating allocates nothing.
  std::vector<std::pair<TokenDigest, std::shared_ptr<const Caller>>> by_token_;
  absl::flat_hash_map<std::string, std::shared_ptr<const Caller>> principals_;
  std::shared_ptr<const Caller> anonymous_;
};

// The Authenticator in force; Replace() installs a reloaded one. Thread-safe.
class AuthenticatorHolder {
 public:
  explicit AuthenticatorHolder(std::shared_ptr<const Authenticator> initial)
      : current_(std::move(initial)) {}

  std::shared_ptr<const Authenticator> Current() const {
    absl::MutexLock lock(&mu_);
    return current_;
  }
  void Replace(std::shared_ptr<const Authenticator> next) {
    absl::MutexLock lock(&mu_);
    current_ = std::move(next);
  }

 private:
  mutable absl::Mutex mu_;
  std::shared_ptr<const Authenticator> current_ ABSL_GUARDED_BY(mu_);
};

}  // namespace barion_gateway::server

#endif  // BARION_GATEWAY_SERVER_AUTH_AUTHENTICATOR_H_
