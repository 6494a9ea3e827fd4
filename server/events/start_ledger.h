// StartLedger: what makes a retried StartPayment safe. Barion does not deduplicate
// PaymentRequestId, so the gateway records each (shop, payment_request_id) before calling
// Barion:
//   - a first request claims the key, then completes it with Barion's answer, or releases it
//     when nothing happened at Barion (nothing sent, or Barion refused);
//   - a repeat of a completed request gets the recorded answer, and no second payment;
//   - a different request under a used key is a conflict;
//   - a repeat while the first is in flight, or after its outcome became unknown (a timeout after
//     sending), is refused: only GetPaymentState-by-hand can tell what happened.
// Durable like the event store; SqliteEventStore and postgres::PgEventStore implement it, and
// both pass StartLedgerConformanceTest (tests/server/events/event_store_conformance.h).
#ifndef BARION_GATEWAY_SERVER_EVENTS_START_LEDGER_H_
#define BARION_GATEWAY_SERVER_EVENTS_START_LEDGER_H_

#include <string>

#include "absl/status/statusor.h"

namespace barion_gateway::server {

class StartLedger {
 public:
  enum class Claim {
    kNew,       // claimed: call Barion, then CompleteStart or ReleaseStart
    kDone,      // the same request completed before: `response` holds the answer
    kConflict,  // another request used this key
    kPending,   // the same request is in flight, or its outcome is unknown
  };
  struct ClaimResult {
    Claim claim = Claim::kNew;
    std::string response;  // for kDone
  };

  virtual ~StartLedger() = default;
  // `request` is the request's deterministic serialization. UNAVAILABLE on storage failure.
  virtual absl::StatusOr<ClaimResult> ClaimStart(const std::string& shop,
                                                 const std::string& request_id,
                                                 const std::string& request) = 0;
  virtual absl::Status CompleteStart(const std::string& shop, const std::string& request_id,
                                     const std::string& response) = 0;
  virtual absl::Status ReleaseStart(const std::string& shop, const std::string& request_id) = 0;
};

}  // namespace barion_gateway::server

#endif  // BARION_GATEWAY_SERVER_EVENTS_START_LEDGER_H_
