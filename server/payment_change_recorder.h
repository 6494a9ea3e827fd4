// PaymentChangeRecorder: the assembly's PaymentObserver. It turns what the operations layer did
// into the event pipeline's work, through the stores only: a started payment is put on the
// reconciler's schedule; a changed one is recorded in the callback inbox (source RPC) and the
// processor's doorbell rung, so the change becomes an event like a Barion callback.
#ifndef BARION_GATEWAY_SERVER_PAYMENT_CHANGE_RECORDER_H_
#define BARION_GATEWAY_SERVER_PAYMENT_CHANGE_RECORDER_H_

#include <string>

#include "absl/time/time.h"
#include "server/events/callback_inbox.h"
#include "server/events/doorbell.h"
#include "server/events/reconcile_schedule.h"
#include "server/operations/payment_observer.h"

namespace barion_gateway::server {

class PaymentChangeRecorder final : public PaymentObserver {
 public:
  // None of the pointers is owned; all must outlive this object. `first_check`: when the
  // reconciler first looks at a started payment.
  PaymentChangeRecorder(CallbackInbox* inbox, ReconcileSchedule* schedule, Doorbell* doorbell,
                        absl::Duration first_check)
      : inbox_(inbox), schedule_(schedule), doorbell_(doorbell), first_check_(first_check) {}

  void PaymentStarted(const std::string& shop, const std::string& payment_id) override;
  void PaymentChanged(const std::string& shop, const std::string& payment_id,
                      const std::string& trace_id) override;

 private:
  CallbackInbox* const inbox_;
  ReconcileSchedule* const schedule_;
  Doorbell* const doorbell_;
  const absl::Duration first_check_;
};

}  // namespace barion_gateway::server

#endif  // BARION_GATEWAY_SERVER_PAYMENT_CHANGE_RECORDER_H_
