#include "server/auth/authorize.h"

#include <algorithm>
#include <map>

#include "absl/strings/str_cat.h"
#include "server/auth/method_pattern.h"
#include "server/common/errors.h"
#include "server/common/safe_text.h"

namespace barion_gateway::server {
namespace {

bool AnyMatches(const std::vector<std::string>& patterns, absl::string_view method) {
  return std::any_of(patterns.begin(), patterns.end(),
                     [&](const std::string& p) { return MethodMatches(p, method); });
}

bool Lists(const std::vector<std::string>& names, absl::string_view name) {
  return std::any_of(names.begin(), names.end(),
                     [&](const std::string& n) { return n == "*" || n == name; });
}

absl::Status Denied(const Caller* caller, absl::string_view reason, absl::string_view method,
                    absl::string_view what) {
  const std::string name = caller == nullptr ? "-" : caller->name;
  std::map<std::string, std::string> metadata = {{"caller", name}, {"method", std::string(method)}};
  return GatewayErrorStatus(absl::StatusCode::kPermissionDenied, reason,
                            absl::StrCat("caller \"", name, "\" may not ", what), metadata);
}

}  // namespace

absl::Status AuthorizeMethod(const Caller* caller, absl::string_view method) {
  if (caller == nullptr) {
    return Denied(caller, "NO_CALLER", method, "call anything: no caller was authenticated");
  }
  if (caller->policy == nullptr) return absl::OkStatus();
  const CallerPolicy& policy = *caller->policy;
  if (AnyMatches(policy.deny_methods, method) || !AnyMatches(policy.allow_methods, method)) {
    return Denied(caller, "METHOD_NOT_ALLOWED", method, absl::StrCat("call ", method));
  }
  return absl::OkStatus();
}

absl::Status AuthorizeShop(const Caller* caller, absl::string_view method, absl::string_view shop) {
  if (absl::Status s = AuthorizeMethod(caller, method); !s.ok()) return s;
  if (caller->policy == nullptr || Lists(caller->policy->shops, shop)) return absl::OkStatus();
  return Denied(caller, "SHOP_NOT_ALLOWED", method,
                absl::StrCat("use the shop \"", SafeText(shop, 64), "\""));
}

absl::Status AuthorizeWallet(const Caller* caller, absl::string_view method,
                             absl::string_view wallet) {
  if (absl::Status s = AuthorizeMethod(caller, method); !s.ok()) return s;
  if (caller->policy == nullptr || Lists(caller->policy->wallets, wallet)) {
    return absl::OkStatus();
  }
  return Denied(caller, "WALLET_NOT_ALLOWED", method,
                absl::StrCat("use the wallet \"", SafeText(wallet, 64), "\""));
}

std::optional<std::vector<std::string>> VisibleShops(const Caller& caller) {
  if (caller.policy == nullptr) return std::nullopt;
  const std::vector<std::string>& shops = caller.policy->shops;
  if (std::find(shops.begin(), shops.end(), "*") != shops.end()) return std::nullopt;
  return shops;
}

std::shared_ptr<const Caller> GatewayCaller() {
  static const auto* const kGateway =
      new std::shared_ptr<const Caller>(new Caller{kGatewayCallerName, nullptr, "none", "gateway"});
  return *kGateway;
}

bool MayStillRead(const Authenticator& auth, const std::string& credential,
                  absl::string_view method, const std::vector<std::string>& shops) {
  const std::shared_ptr<const Caller> caller = auth.CallerOfCredential(credential);
  if (caller == nullptr) return false;
  if (!AuthorizeMethod(caller.get(), method).ok()) return false;
  if (!VisibleShops(*caller).has_value()) return true;  // every shop
  if (shops.empty()) return false;                      // it subscribed to shops it lost
  for (const std::string& shop : shops) {
    if (!AuthorizeShop(caller.get(), method, shop).ok()) return false;
  }
  return true;
}

}  // namespace barion_gateway::server
