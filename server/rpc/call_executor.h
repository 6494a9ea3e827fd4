// CallExecutor: where the PaymentService's handlers run (docs/adr/0002-sync-unary-rpcs.md).
// gRPC's callback API delivers a call on one of its few callback threads (at least two in gRPC
// 1.51), which must stay free to poll; a handler, though, blocks on Barion for up to the call's
// deadline. So the executor runs at most one call at a time inline, on the gRPC thread that
// delivered it (the cheapest path: no hand-off, which is what a lone client's calls take), and
// hands every other call to a pool of its own threads, grown on demand up to `max_calls` and
// kept for reuse. With `max_calls` in flight, Run refuses the work.
#ifndef BARION_GATEWAY_SERVER_RPC_CALL_EXECUTOR_H_
#define BARION_GATEWAY_SERVER_RPC_CALL_EXECUTOR_H_

#include <cstdint>
#include <deque>
#include <functional>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"

namespace barion_gateway::server {

class CallExecutor {
 public:
  explicit CallExecutor(int max_calls);
  // Runs the queued work to its end, then joins the threads. Stop the server first.
  ~CallExecutor();
  CallExecutor(const CallExecutor&) = delete;
  CallExecutor& operator=(const CallExecutor&) = delete;

  // Runs `work` now on this thread (when no other call is running inline) or on the pool;
  // false, without running it, when `max_calls` calls are already in flight.
  bool Run(std::function<void()> work);

  struct Stats {
    int64_t inline_runs = 0;
    int64_t pooled_runs = 0;
    int64_t refused = 0;
    int threads = 0;
    int in_flight = 0;  // accepted and not yet done
  };
  Stats stats() const;

 private:
  void Work();

  const int max_calls_;
  mutable absl::Mutex mu_;
  absl::CondVar work_ready_;
  std::deque<std::function<void()>> queue_ ABSL_GUARDED_BY(mu_);
  int in_flight_ ABSL_GUARDED_BY(mu_) = 0;         // queued, pooled or inline
  bool inline_busy_ ABSL_GUARDED_BY(mu_) = false;  // a call runs on its caller's thread
  int pooled_in_flight_ ABSL_GUARDED_BY(mu_) = 0;  // queued or running on the pool
  int64_t inline_runs_ ABSL_GUARDED_BY(mu_) = 0;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  int64_t pooled_runs_ ABSL_GUARDED_BY(mu_) = 0;
  int64_t refused_ ABSL_GUARDED_BY(mu_) = 0;
  std::vector<std::thread> threads_ ABSL_GUARDED_BY(mu_);
};

}  // namespace barion_gateway::server

#endif  // BARION_GATEWAY_SERVER_RPC_CALL_EXECUTOR_H_
