// Who is calling and what it may do: the callers of the gateway's policy (docs/SECURITY.md), the
// credentials a call presents, and the caller a call was authenticated as. No gRPC types: the
// RPC edge fills Credentials from the gRPC context, the operations layer authorizes.
#ifndef BARION_GATEWAY_SERVER_AUTH_CALLER_H_
#define BARION_GATEWAY_SERVER_AUTH_CALLER_H_

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace barion_gateway::server {

// SHA-256 of a bearer token: the only form in which the gateway keeps a token.
using TokenDigest = std::array<uint8_t, 32>;

// One named caller of the policy. Method patterns are gRPC full method names
// ("/barion.v1.PaymentService/Refund") matched exactly, or ending in '*' (a prefix), or
// starting with '*' (a suffix), or "*" alone (every method). Deny patterns win over allow
// patterns; what no allow pattern matches is denied. Shops and wallets are names from the
// configuration, or "*" for all of them.
struct CallerPolicy {
  std::string name;
  // Certificate identities that are this caller: a URI SAN (spiffe://...) or a DNS SAN, exact.
  std::vector<std::string> principals;
  std::vector<TokenDigest> token_digests;
  std::vector<std::string> allow_methods;
  std::vector<std::string> deny_methods;
  std::vector<std::string> shops;
  std::vector<std::string> wallets;
};

// The names of the callers the gateway itself makes: "anonymous" (every call while no callers
// are configured) and "gateway" (its own state fetches). No configured caller may take one, or
// the audit log and metrics could not tell it from them.
inline constexpr char kAnonymousCallerName[] = "anonymous";
inline constexpr char kGatewayCallerName[] = "gateway";

// What a call presents, as the transport verified it.
struct Credentials {
  // The peer certificate's URI SANs, then its DNS SANs; empty without a verified certificate.
  std::vector<std::string> certificate_names;
  // Whether an `authorization` header came, and the token of its "Bearer " form (empty when the
  // header is not a bearer token).
  bool has_authorization = false;
  std::string bearer_token;
};

// The caller a call was authenticated as. Without a policy (authentication off: a gateway on
// loopback with no callers configured) every call is the unrestricted caller "anonymous".
struct Caller {
  std::string name;
  std::shared_ptr<const CallerPolicy> policy;  // null: unrestricted
  // How it was recognised, for the audit log: "certificate", "token" or "none".
  std::string authenticated_by;
  // Which credential recognised it (opaque; never logged): a reload keeps a long-lived stream
  // only if that same credential still names a caller with access.
  std::string credential;
};

}  // namespace barion_gateway::server

#endif  // BARION_GATEWAY_SERVER_AUTH_CALLER_H_
