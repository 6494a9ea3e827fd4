// The callback schedule: a callback is due when a payment changes, and is retried after Barion's
// delays (kRetryDelaysSeconds times SandboxOptions::time_scale) until an HTTP 200. Sending is
// the listener's job (sandbox/server.cc); this file only decides what is due and when.
#include "sandbox/model/simulator.h"

namespace barion_gateway::sandbox {

void Simulator::ScheduleCallback(const Payment& p) {
  if (p.callback_url.empty()) return;
  std::string url = p.callback_url;
  absl::StrAppend(&url, url.find('?') == std::string::npos ? "?" : "&", "paymentId=", p.id);
  callbacks_.push(CallbackJob{now_(), p.id, url, 0});
}

std::vector<CallbackJob> Simulator::TakeDueCallbacks() {
  std::vector<CallbackJob> due;
  absl::MutexLock lock(&mu_);
  const absl::Time now = now_();
  Sweep(now);
  while (!callbacks_.empty() && callbacks_.top().due <= now) {
    due.push_back(callbacks_.top());
    callbacks_.pop();
  }
  return due;
}

void Simulator::RecordDelivery(const CallbackJob& job, int http_status, std::string error,
                               bool final) {
  absl::MutexLock lock(&mu_);
  const absl::Time now = now_();
  callback_log_.push_back(
      {job.payment_id, job.url, job.attempt, http_status, now, std::move(error)});
  constexpr int kRetries = sizeof(kRetryDelaysSeconds) / sizeof(kRetryDelaysSeconds[0]);
  if (http_status != 200 && !final && job.attempt < kRetries) {
    CallbackJob next = job;
    next.attempt = job.attempt + 1;
    next.due = now + absl::Seconds(kRetryDelaysSeconds[job.attempt]) * options_.time_scale;
    callbacks_.push(next);
  }
}

}  // namespace barion_gateway::sandbox
