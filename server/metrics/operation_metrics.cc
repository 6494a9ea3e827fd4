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
                "WALLET_NOT_ALLOWED", "PAYEE_NOT_ALLOWED", "ACCESS_REVOKED", "other"}),
      audit_records_(registry, "barion_gateway_audit_records_total",
                     "Audit records by what became of them: written (and synced), lost (their "
                     "batch could not be written), suppressed (an unauthenticated peer's, "
                     "counted past its rate).",
                     "result", {"written", "lost", "suppressed"}),
      audit_writable_(&prometheus::BuildGauge()
                           .Name("barion_gateway_audit_writable")
                           .Help("1 while the audit log's last batch was written and synced; 0: "
                                 "money-moving calls fail with AUDIT_UNAVAILABLE.")
                           .Register(registry)
                           .Add({})) {
  audit_writable_->Set(1);
}

void OperationMetrics::Denied(absl::string_view reason) {
  const int index = denials_.IndexOf(reason);
  denials_.Add(index >= 0 ? index : denials_.IndexOf("other"));
}

}  // namespace barion_gateway::server
