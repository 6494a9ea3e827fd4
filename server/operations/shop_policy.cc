#include "server/operations/shop_policy.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
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

absl::Status CheckDelayedCapture(const ShopConfig& shop,
                                 const barion::v1::StartPaymentRequest& request,
                                 const std::string& prefix) {
  if (request.payment_type() != barion::v1::PAYMENT_TYPE_DELAYED_CAPTURE ||
      !request.has_delayed_capture_period()) {
    return absl::OkStatus();
  }
  const absl::Duration period = absl::Seconds(request.delayed_capture_period().seconds()) +
                                absl::Nanoseconds(request.delayed_capture_period().nanos());
  if (period <= shop.max_delayed_capture) return absl::OkStatus();
  return InvalidArgumentStatus(
      {{absl::StrCat(prefix, "delayed_capture_period"),
        absl::StrCat(
            "must be at most ", absl::FormatDuration(shop.max_delayed_capture), " for shop \"",
            shop.name,
            "\" (Barion holds a card payment 21 days for Hungarian shops, 7 for others)")}});
}

}  // namespace barion_gateway::server
