#include "server/operations/payee_policy.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "server/common/errors.h"

namespace barion_gateway::server {
namespace {

// An empty payee is validation's to refuse (required), not this policy's.
bool Allowed(const ShopConfig& shop, const std::string& payee) {
  if (payee.empty()) return true;
  const std::string lower = absl::AsciiStrToLower(payee);
  if (shop.allowed_payees.empty()) return lower == absl::AsciiStrToLower(shop.payee);
  return std::find(shop.allowed_payees.begin(), shop.allowed_payees.end(), lower) !=
         shop.allowed_payees.end();
}

absl::Status Denied(const ShopConfig& shop, const std::string& field) {
  return GatewayErrorStatus(
      absl::StatusCode::kPermissionDenied, "PAYEE_NOT_ALLOWED",
      absl::StrCat(field, " names a wallet that shop \"", shop.name,
                   "\" may not pay (the shop's payee and allowed_payees in the configuration)"),
      {{"field", field}, {"shop", shop.name}});
}

}  // namespace

absl::Status CheckPayees(const ShopConfig& shop, const barion::v1::StartPaymentRequest& request,
                         const std::string& prefix) {
  for (int i = 0; i < request.transactions_size(); ++i) {
    const barion::v1::PaymentTransaction& t = request.transactions(i);
    const std::string at = absl::StrCat(prefix, "transactions[", i, "]");
    if (!Allowed(shop, t.payee())) return Denied(shop, absl::StrCat(at, ".payee"));
    for (int j = 0; j < t.payee_transactions_size(); ++j) {
      if (!Allowed(shop, t.payee_transactions(j).payee())) {
        return Denied(shop, absl::StrCat(at, ".payee_transactions[", j, "].payee"));
      }
    }
  }
  return absl::OkStatus();
}

}  // namespace barion_gateway::server
