#include "server/metrics/operation_metrics.h"

namespace barion_gateway::server {

OperationMetrics::OperationMetrics(prometheus::Registry& registry)
    : ledger_(registry, "barion_gateway_start_ledger_total",
              "StartPayment calls by what the start ledger answered.", "result",
              {"new", "repeat", "conflict", "pending", "unknown_outcome"}),
      denials_(registry, "barion_gateway_auth_denials_total",
               "Calls refused for their caller, by reason.", "reason",
               {"NO_CREDENTIALS", "INVALID_AUTHORIZATION", "UNKNOWN_TOKEN",
                "CERTIFICATE_NOT_RECOGNIZED", "NO_CALLER", "METHOD_NOT_ALLOWED", "SHOP_NOT_ALLOWED",
                "WALLET_NOT_ALLOWED", "ACCESS_REVOKED", "other"}) {}

void OperationMetrics::Denied(absl::string_view reason) {
  const int index = denials_.IndexOf(reason);
  denials_.Add(index >= 0 ? index : denials_.IndexOf("other"));
}

}  // namespace barion_gateway::server
