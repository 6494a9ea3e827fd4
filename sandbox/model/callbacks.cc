// The Simulator's side of the callback schedule (callback_book.h keeps it): a payment that
// changed schedules its callback; taking the due ones first lets payments end by themselves.
#include "sandbox/model/simulator.h"

namespace barion_gateway::sandbox {

void Simulator::ScheduleCallback(const Payment& p) { callbacks_.Schedule(p, now_()); }

std::vector<CallbackJob> Simulator::TakeDueCallbacks() {
  const absl::Time now = now_();
  {
    absl::MutexLock lock(&mu_);
    Sweep(now);  // payments that ended by themselves schedule their callbacks
  }
  return callbacks_.TakeDue(now);
}

void Simulator::RecordDelivery(const CallbackJob& job, int http_status, std::string error,
                               bool final) {
  callbacks_.Record(job, http_status, std::move(error), final, now_());
}

}  // namespace barion_gateway::sandbox
