// The payments Barion holds, by id (32 lower-case hex digits; found with or without hyphens, in
// any case), the deadline at which some payment next ends by itself (so expiry scans only when
// one is due), and each payment's recent PaymentState calls (Barion's rate limit). Not locked
// itself: the Simulator holds it under its lock.
#ifndef BARION_GATEWAY_SANDBOX_MODEL_PAYMENT_BOOK_H_
#define BARION_GATEWAY_SANDBOX_MODEL_PAYMENT_BOOK_H_

#include <algorithm>
#include <cstdint>
#include <deque>
#include <map>
#include <string>
#include <utility>

#include "absl/time/time.h"
#include "sandbox/model/ids.h"
#include "sandbox/model/state.h"

namespace barion_gateway::sandbox {

class PaymentBook {
 public:
  // The payment `id`; null when there is none.
  Payment* Find(const std::string& id) {
    auto it = payments_.find(NormalizeId(id));
    return it == payments_.end() ? nullptr : &it->second;
  }
  void Add(Payment payment) {
    const std::string id = payment.id;
    payments_[id] = std::move(payment);
  }
  size_t size() const { return payments_.size(); }
  // Every payment, for a scan.
  std::map<std::string, Payment>& all() { return payments_; }

  // A payment got a deadline at which it ends by itself (valid_until, reserved_until).
  void ExpectDeadline(absl::Time at) { next_deadline_ = std::min(next_deadline_, at); }
  // Whether a scan is due at `now`; if so it is counted, and the caller reports the next
  // deadline it found with ScannedUntil.
  bool ScanDue(absl::Time now) {
    if (now < next_deadline_) return false;
    ++scans_;
    return true;
  }
  void ScannedUntil(absl::Time next) { next_deadline_ = next; }
  int64_t scans() const { return scans_; }

  // The times of payment `id`'s recent PaymentState calls (the caller trims them).
  std::deque<absl::Time>& StateCalls(const std::string& id) {
    return state_calls_[NormalizeId(id)];
  }

 private:
  std::map<std::string, Payment> payments_;
  // The earliest deadline a scan must act on; InfinitePast: unknown, scan.
  absl::Time next_deadline_ = absl::InfinitePast();
  int64_t scans_ = 0;
  std::map<std::string, std::deque<absl::Time>> state_calls_;
};

}  // namespace barion_gateway::sandbox

#endif  // BARION_GATEWAY_SANDBOX_MODEL_PAYMENT_BOOK_H_
