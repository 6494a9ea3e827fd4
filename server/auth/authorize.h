// The authorization check every operation passes through (docs/SECURITY.md): may this caller
// call this method on this shop or wallet? The operations layer calls it where it resolves the
// shop or wallet of a request; the event service calls it for the shops a subscriber may see.
//
// Denials are PERMISSION_DENIED with a gateway ErrorInfo: reason METHOD_NOT_ALLOWED,
// SHOP_NOT_ALLOWED or WALLET_NOT_ALLOWED, metadata `caller` (the policy's name for it) and
// `method`. A call without a caller (none was authenticated) is denied: the check fails closed.
#ifndef BARION_GATEWAY_SERVER_AUTH_AUTHORIZE_H_
#define BARION_GATEWAY_SERVER_AUTH_AUTHORIZE_H_

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "server/auth/authenticator.h"
#include "server/auth/caller.h"

namespace barion_gateway::server {

// `method` only (for calls about no shop or wallet).
absl::Status AuthorizeMethod(const Caller* caller, absl::string_view method);
// `method` on the shop named `shop` (a configured name, or what the request said).
absl::Status AuthorizeShop(const Caller* caller, absl::string_view method, absl::string_view shop);
absl::Status AuthorizeWallet(const Caller* caller, absl::string_view method,
                             absl::string_view wallet);

// The shops whose events `caller` may read: nullopt for all of them.
std::optional<std::vector<std::string>> VisibleShops(const Caller& caller);

// Whether a stream opened with `credential` on `shops` (empty: every shop) may still be served
// under `auth`: the same credential (not only a caller of the same name: a leaked token that was
// replaced must not keep its stream) still names a caller that may call `method` and read each
// of `shops`. What a reload asks of every open subscription, and a subscription of itself as it
// registers (so one that authenticated just before a reload cannot slip past its sweep).
bool MayStillRead(const Authenticator& auth, const std::string& credential,
                  absl::string_view method, const std::vector<std::string>& shops);

// A caller for the gateway's own work (the callback processor's and the reconciler's fetches):
// unrestricted, named "gateway".
std::shared_ptr<const Caller> GatewayCaller();

}  // namespace barion_gateway::server

#endif  // BARION_GATEWAY_SERVER_AUTH_AUTHORIZE_H_
