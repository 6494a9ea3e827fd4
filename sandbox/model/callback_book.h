// The callback schedule and its log, with their own lock: a callback is due when a payment
// changes and is retried after Barion's delays (kRetryDelaysSeconds times the time scale) until
// an HTTP 200. Sending is the listener's job (sandbox/server.cc); this only keeps what is due,
// when, and what each attempt got. The Simulator may schedule while it holds its own lock (its
// lock first, then this one; never the other way).
#ifndef BARION_GATEWAY_SANDBOX_MODEL_CALLBACK_BOOK_H_
#define BARION_GATEWAY_SANDBOX_MODEL_CALLBACK_BOOK_H_

#include <functional>
#include <queue>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "sandbox/model/state.h"

namespace barion_gateway::sandbox {

class CallbackBook {
 public:
  // `time_scale` multiplies Barion's retry delays (SandboxOptions::time_scale).
  explicit CallbackBook(double time_scale) : time_scale_(time_scale) {}

  // A first delivery of `payment`'s callback due at `now` (none without a callback URL).
  void Schedule(const Payment& payment, absl::Time now);
  // Removes and returns the callbacks due at `now`.
  std::vector<CallbackJob> TakeDue(absl::Time now);
  // Logs one attempt of `job` at `now` (http_status 0 when nothing answered, `error` saying
  // why) and schedules the next with Barion's delays until an HTTP 200 or the last retry; a
  // `final` failure (a URL Barion never calls) is not retried.
  void Record(const CallbackJob& job, int http_status, std::string error, bool final,
              absl::Time now);
  size_t scheduled();
  // The attempts of `payment_id`'s callbacks (every payment's when empty), oldest first.
  std::vector<CallbackRecord> Log(const std::string& payment_id);

 private:
  const double time_scale_;
  absl::Mutex mu_;
  std::priority_queue<CallbackJob, std::vector<CallbackJob>, std::greater<CallbackJob>> due_
      ABSL_GUARDED_BY(mu_);
  std::vector<CallbackRecord> log_ ABSL_GUARDED_BY(mu_);
};

}  // namespace barion_gateway::sandbox

#endif  // BARION_GATEWAY_SANDBOX_MODEL_CALLBACK_BOOK_H_
