#include "server/rpc/call_executor.h"

#include <utility>

#include "server/common/thread_name.h"

namespace barion_gateway::server {

CallExecutor::CallExecutor(int max_calls) : max_calls_(max_calls < 1 ? 1 : max_calls) {}

CallExecutor::~CallExecutor() {
  std::vector<std::thread> threads;
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
    work_ready_.SignalAll();
    threads.swap(threads_);
  }
  for (std::thread& t : threads) t.join();
}

bool CallExecutor::Run(std::function<void()> work) {
  {
    absl::MutexLock lock(&mu_);
    if (in_flight_ >= max_calls_ || stopping_) {
      ++refused_;
      return false;
    }
    ++in_flight_;
    if (inline_busy_) {
      queue_.push_back(std::move(work));
      ++pooled_runs_;
      ++pooled_in_flight_;
      // As many threads as pooled calls in flight: each queued call has a thread that takes it
      // (one waiting, which this wakes, or one that finishes its call and looks again).
      if (static_cast<int>(threads_.size()) < pooled_in_flight_) {
        threads_.push_back(NamedThread("call-executor", [this] { Work(); }));
      }
      work_ready_.Signal();
      return true;
    }
    inline_busy_ = true;
    ++inline_runs_;
  }
  work();
  absl::MutexLock lock(&mu_);
  inline_busy_ = false;
  --in_flight_;
  return true;
}

void CallExecutor::Work() {
  absl::MutexLock lock(&mu_);
  for (;;) {
    while (queue_.empty() && !stopping_) work_ready_.Wait(&mu_);
    if (queue_.empty()) return;  // stopping, and nothing left to run
    std::function<void()> work = std::move(queue_.front());
    queue_.pop_front();
    mu_.Unlock();
    work();
    work = nullptr;  // what it holds goes before the call counts as done
    mu_.Lock();
    --pooled_in_flight_;
    --in_flight_;
  }
}

CallExecutor::Stats CallExecutor::stats() const {
  absl::MutexLock lock(&mu_);
  Stats s;
  s.inline_runs = inline_runs_;
  s.pooled_runs = pooled_runs_;
  s.refused = refused_;
  s.threads = static_cast<int>(threads_.size());
  s.in_flight = in_flight_;
  return s;
}

}  // namespace barion_gateway::server
