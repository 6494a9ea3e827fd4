// Callbacks: scheduled with Barion's retry delays, delivered by the dispatcher thread.
#include "sandbox/impl.h"

namespace barion_gateway::sandbox {

void Sandbox::Impl::ScheduleCallback(const Payment& p) {
  if (p.callback_url.empty()) return;
  std::string url = p.callback_url;
  absl::StrAppend(&url, url.find('?') == std::string::npos ? "?" : "&", "paymentId=", p.id);
  callbacks_.push(CallbackJob{absl::Now(), p.id, url, 0});
}

void Sandbox::Impl::DispatchLoop() {
  while (!stopping_.load()) {
    std::vector<CallbackJob> due;
    {
      absl::MutexLock lock(&mu_);
      const absl::Time now = absl::Now();
      Sweep(now);
      while (!callbacks_.empty() && callbacks_.top().due <= now) {
        due.push_back(callbacks_.top());
        callbacks_.pop();
      }
    }
    for (const CallbackJob& job : due) {
      if (stopping_.load()) return;
      const int status = Deliver(job);  // no lock held during network I/O
      absl::MutexLock lock(&mu_);
      callback_log_.push_back({job.payment_id, job.url, job.attempt, status, absl::Now()});
      if (status != 200 && job.attempt < 5) {
        CallbackJob next = job;
        next.attempt = job.attempt + 1;
        next.due =
            absl::Now() + absl::Seconds(kRetryDelaysSeconds[job.attempt]) * options_.time_scale;
        callbacks_.push(next);
      }
    }
    stopped_.WaitForNotificationWithTimeout(absl::Milliseconds(5));
  }
}

int Sandbox::Impl::Deliver(const CallbackJob& job) {
  // Split "scheme://host[:port]/path?query".
  size_t scheme_end = job.url.find("://");
  if (scheme_end == std::string::npos) return 0;
  size_t path_start = job.url.find('/', scheme_end + 3);
  const std::string origin = job.url.substr(0, path_start);
  const std::string path = path_start == std::string::npos ? "/" : job.url.substr(path_start);
  httplib::Client client(origin);
  const absl::Duration timeout =
      std::max(absl::Milliseconds(200), absl::Seconds(15) * options_.time_scale);
  const int64_t usec = absl::ToInt64Microseconds(timeout);
  client.set_connection_timeout(usec / 1000000, usec % 1000000);
  client.set_read_timeout(usec / 1000000, usec % 1000000);
  client.set_write_timeout(usec / 1000000, usec % 1000000);
  client.set_tcp_nodelay(true);
  httplib::Result result = client.Post(path.c_str(), absl::StrCat("paymentId=", job.payment_id),
                                       "application/x-www-form-urlencoded");
  return result ? result->status : 0;
}

// ---------------------------------------------------------------------------------------------

}  // namespace barion_gateway::sandbox
