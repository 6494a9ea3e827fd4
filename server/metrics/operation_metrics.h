// What the operations and the RPC edge decide, as metrics (docs/OPERATIONS.md): how the start
// ledger answered StartPayment (barion_gateway_start_ledger_total{result}) and which calls were
// refused for their caller (barion_gateway_auth_denials_total{reason}, the ErrorInfo reasons of
// docs/ERRORS.md). Thread-safe; counting takes no lock.
#ifndef BARION_GATEWAY_SERVER_METRICS_OPERATION_METRICS_H_
#define BARION_GATEWAY_SERVER_METRICS_OPERATION_METRICS_H_

#include "absl/strings/string_view.h"
#include "prometheus/gauge.h"
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

  // The audit log: a batch of `records` was written and synced (ok) or lost; a record of an
  // unauthenticated peer was counted instead of written (suppressed).
  void AuditBatch(bool ok, int64_t records) { audit_records_.Add(ok ? 0 : 1, records); }
  void AuditSuppressed() { audit_records_.Add(2); }
  // barion_gateway_audit_writable: 1 while the last batch was written and synced, else 0.
  void SetAuditWritable(bool writable) { audit_writable_->Set(writable ? 1 : 0); }

 private:
  CounterSet ledger_;
  CounterSet denials_;
  CounterSet audit_records_;
  prometheus::Gauge* audit_writable_ = nullptr;
};

}  // namespace barion_gateway::server

#endif  // BARION_GATEWAY_SERVER_METRICS_OPERATION_METRICS_H_
