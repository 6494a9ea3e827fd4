#include "sandbox/model/callback_book.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "sandbox/model/times.h"

namespace barion_gateway::sandbox {

void CallbackBook::Schedule(const Payment& payment, absl::Time now) {
  if (payment.callback_url.empty()) return;
  std::string url = payment.callback_url;
  absl::StrAppend(&url, url.find('?') == std::string::npos ? "?" : "&", "paymentId=", payment.id);
  absl::MutexLock lock(&mu_);
  due_.push(CallbackJob{now, payment.id, std::move(url), 0});
}

std::vector<CallbackJob> CallbackBook::TakeDue(absl::Time now) {
  std::vector<CallbackJob> due;
  absl::MutexLock lock(&mu_);
  while (!due_.empty() && due_.top().due <= now) {
    due.push_back(due_.top());
    due_.pop();
  }
  return due;
}

void CallbackBook::Record(const CallbackJob& job, int http_status, std::string error, bool final,
                          absl::Time now) {
  absl::MutexLock lock(&mu_);
  log_.push_back({job.payment_id, job.url, job.attempt, http_status, now, std::move(error)});
  constexpr int kRetries = sizeof(kRetryDelaysSeconds) / sizeof(kRetryDelaysSeconds[0]);
  if (http_status != 200 && !final && job.attempt < kRetries) {
    CallbackJob next = job;
    next.attempt = job.attempt + 1;
    next.due = now + absl::Seconds(kRetryDelaysSeconds[job.attempt]) * time_scale_;
    due_.push(next);
  }
}

size_t CallbackBook::scheduled() {
  absl::MutexLock lock(&mu_);
  return due_.size();
}

std::vector<CallbackRecord> CallbackBook::Log(const std::string& payment_id) {
  absl::MutexLock lock(&mu_);
  if (payment_id.empty()) return log_;
  std::vector<CallbackRecord> out;
  for (const CallbackRecord& r : log_) {
    if (r.payment_id == payment_id) out.push_back(r);
  }
  return out;
}

}  // namespace barion_gateway::sandbox
