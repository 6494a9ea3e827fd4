// What the operations and the RPC edge decide, as metrics (docs/OPERATIONS.md): how the start
// ledger answered StartPayment (barion_gateway_start_ledger_total{result}) and which calls were
// refused for their caller (barion_gateway_auth_denials_total{reason}, the ErrorInfo reasons of
// docs/ERRORS.md). Thread-safe; counting takes no lock.
#ifndef BARION_GATEWAY_SERVER_METRICS_OPERATION_METRICS_H_
#define BARION_GATEWAY_SERVER_METRICS_OPERATION_METRICS_H_

#include "absl/strings/string_view.h"
#include "prometheus/registry.h"
#include "server/metrics/counter_set.h"

namespace barion_gateway::server {

enum class LedgerResult {
  kNew,             // a new request: sent to Barion
  kRepeat,          // a repeat of a completed start: answered from the ledger
  kConflict,        // the request id was used for another request
  kPending,         // the same request is in flight, or its outcome is unknown
  kUnknownOutcome,  // a start whose outcome is unknown (kept pending until resolved)
};

class OperationMetrics {
 public:
  explicit OperationMetrics(prometheus::Registry& registry);

  void Ledger(LedgerResult result) { ledger_.Add(static_cast<int>(result)); }
  // A call refused with UNAUTHENTICATED or PERMISSION_DENIED for its caller; `reason` is the
  // ErrorInfo reason. Reasons not in docs/ERRORS.md's caller table count as "other".
  void Denied(absl::string_view reason);

 private:
  CounterSet ledger_;
  CounterSet denials_;
};

}  // namespace barion_gateway::server

#endif  // BARION_GATEWAY_SERVER_METRICS_OPERATION_METRICS_H_
