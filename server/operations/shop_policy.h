// What a shop's configuration allows a start beyond the request's own rules (validation.h).
//
// Payees are pinned: a payment of a shop may pay only the wallets the shop is configured for
// (ShopConfig::allowed_payees: its payee, and allowed_payees). A caller allowed StartPayment on a
// shop could otherwise send the proceeds to any Barion wallet. Checked after the shop's defaults
// are applied (a transaction that names no payee pays the shop's) and the request is validated,
// before the start ledger and Barion see it.
#ifndef BARION_GATEWAY_SERVER_OPERATIONS_SHOP_POLICY_H_
#define BARION_GATEWAY_SERVER_OPERATIONS_SHOP_POLICY_H_

#include <string>

#include "absl/status/status.h"
#include "barion/v1/payment_service.pb.h"
#include "server/config/config.h"

namespace barion_gateway::server {

// OK, or PERMISSION_DENIED (reason PAYEE_NOT_ALLOWED, metadata `field`: the first payee at fault
// as a proto field path under `prefix`, e.g. "transactions[1].payee_transactions[0].payee", and
// `shop`) when a transaction or payee transaction of `request` names a wallet `shop` may not pay.
// Letter case does not matter. Linear in the request's size.
absl::Status CheckPayees(const ShopConfig& shop, const barion::v1::StartPaymentRequest& request,
                         const std::string& prefix = "");

// OK, or INVALID_ARGUMENT naming `prefix`delayed_capture_period when a DELAYED_CAPTURE start
// asks for longer than the shop may hold a card payment (ShopConfig::max_delayed_capture: 21
// days for Hungarian shops, 7 for others, as Barion allows; docs/BARION.md).
absl::Status CheckDelayedCapture(const ShopConfig& shop,
                                 const barion::v1::StartPaymentRequest& request,
                                 const std::string& prefix = "");

}  // namespace barion_gateway::server

#endif  // BARION_GATEWAY_SERVER_OPERATIONS_SHOP_POLICY_H_
