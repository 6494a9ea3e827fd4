// Payments ending by themselves: expiry of a payer's window and automatic finishing of a
// reservation at its deadline, applied lazily (on API calls) and by the callback dispatcher.
#include <algorithm>

#include "sandbox/model/simulator.h"

namespace barion_gateway::sandbox {

void Simulator::Sweep(absl::Time now) {
  if (!payments_.ScanDue(now)) return;
  absl::Time next = absl::InfiniteFuture();
  for (auto& [id, p] : payments_.all()) {
    if (AwaitsPayer(p.status) && now >= p.valid_until) {
      for (Tx& t : p.txs) {
        if (!t.fee) t.status = TxStatus::kExpired;
      }
      Complete(p, PaymentStatus::kExpired, now);
    } else if (p.status == PaymentStatus::kReserved && p.reserved_until &&
               now >= *p.reserved_until) {
      // Unfinished transactions are finished with 0: the money goes back.
      bool any = false;
      for (Tx& t : p.txs) {
        if (t.fee || t.refund) continue;
        if (!t.finished) {
          t.finished = true;
          t.total = Dec{};
          t.status = TxStatus::kSucceeded;
        }
        any = any || t.total.units > 0;
      }
      Complete(p, any ? PaymentStatus::kSucceeded : PaymentStatus::kCanceled, now);
    }
    if (AwaitsPayer(p.status)) next = std::min(next, p.valid_until);
    if (p.status == PaymentStatus::kReserved && p.reserved_until) {
      next = std::min(next, *p.reserved_until);
    }
  }
  payments_.ScannedUntil(next);
}

}  // namespace barion_gateway::sandbox
