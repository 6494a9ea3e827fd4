// ReconcileSchedule: the payments the reconciler watches until they are final, and when each is
// checked next. Durable like the other stores (a dropped watch is harmless: see
// SqliteEventStore). Implementations: SqliteEventStore, postgres::PgEventStore. All pass
// tests/server/events/event_store_conformance.h.
#ifndef BARION_GATEWAY_SERVER_EVENTS_RECONCILE_SCHEDULE_H_
#define BARION_GATEWAY_SERVER_EVENTS_RECONCILE_SCHEDULE_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace barion_gateway::server {

// A payment the reconciler watches until it is final.
struct WatchedPayment {
  std::string shop;
  std::string payment_id;
  absl::Time next_check;
  absl::Duration interval;  // the current gap between checks
};

class ReconcileSchedule {
 public:
  virtual ~ReconcileSchedule() = default;

  // Starts watching a payment (first check at `first_check`); a payment already watched keeps
  // its schedule.
  virtual absl::Status WatchPayment(const std::string& shop, const std::string& payment_id,
                                    absl::Time first_check, absl::Duration interval) = 0;
  // Watched payments whose check is due at `now`, earliest first, at most `limit`. A store that
  // replicas share claims them: none is due again, for any replica, before a lease has passed
  // unless rescheduled (PgEventStore).
  virtual absl::StatusOr<std::vector<WatchedPayment>> DueWatchedPayments(absl::Time now,
                                                                         int limit) = 0;
  // Sets the next check. NOT_FOUND when the payment is not watched.
  virtual absl::Status RescheduleWatch(const std::string& shop, const std::string& payment_id,
                                       absl::Time next_check, absl::Duration interval) = 0;
  // Stops watching (the payment is final). OK when it was not watched.
  virtual absl::Status UnwatchPayment(const std::string& shop, const std::string& payment_id) = 0;
};

}  // namespace barion_gateway::server

#endif  // BARION_GATEWAY_SERVER_EVENTS_RECONCILE_SCHEDULE_H_
