// Policies for tests of the RPC services: authentication off (every call "anonymous", as on a
// loopback gateway without callers), or a policy of token callers.
#ifndef BARION_GATEWAY_TESTS_SERVER_AUTH_TEST_POLICY_H_
#define BARION_GATEWAY_TESTS_SERVER_AUTH_TEST_POLICY_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "server/auth/authenticator.h"
#include "server/rpc/rpc_support.h"

namespace barion_gateway::server {

// A holder of a policy with no callers. Lives for the whole test binary.
inline const AuthenticatorHolder* OpenPolicy() {
  static const auto* const holder =
      new AuthenticatorHolder(std::make_shared<const Authenticator>(std::vector<CallerPolicy>{}));
  return holder;
}

// An RPC edge with `auth` (default: OpenPolicy()), without audit or metrics.
inline RpcEdge TestEdge(absl::Duration default_timeout = absl::Seconds(30),
                        const AuthenticatorHolder* auth = OpenPolicy()) {
  return RpcEdge{auth, default_timeout};
}

// A Call of `method` by the anonymous caller of OpenPolicy(), for operations called directly.
inline Call AnonymousCall(std::string method) {
  Call call;
  call.caller = *OpenPolicy()->Current()->Authenticate({});
  call.method = std::move(method);
  return call;
}

// A caller recognised by the bearer token `token`, allowed `methods` on `shops`.
inline CallerPolicy TokenCaller(std::string name, const std::string& token,
                                std::vector<std::string> methods, std::vector<std::string> shops) {
  CallerPolicy policy;
  policy.name = std::move(name);
  policy.token_digests = {DigestOf(token)};
  policy.allow_methods = std::move(methods);
  policy.shops = std::move(shops);
  return policy;
}

}  // namespace barion_gateway::server

#endif  // BARION_GATEWAY_TESTS_SERVER_AUTH_TEST_POLICY_H_
