// ParallelRunner: runs the items of a batch of independent work on the calling thread and on a
// few helper threads at once, and returns when every item has run. The event hub starts its
// stream writes with it: gRPC 1.51 sends each write on its own when the writes to one connection
// come one after another from one thread, but merges the writes that meet in the connection's
// queue, so several threads starting writes at once make fewer, larger socket writes
// (docs/PERFORMANCE.md, "Fan-out").
//
// Items are claimed one at a time in index order by whichever thread is free, so consecutive
// items run on different threads at the same time. A batch smaller than 2 × `min_part` items,
// and every batch after Stop(), runs on the caller alone. Batches from several callers may run
// at once; the helpers take part in the oldest first.
#ifndef BARION_GATEWAY_SERVER_COMMON_PARALLEL_RUNNER_H_
#define BARION_GATEWAY_SERVER_COMMON_PARALLEL_RUNNER_H_

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/functional/function_ref.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"

namespace barion_gateway::server {

class ParallelRunner {
 public:
  // `helpers` threads named `thread_name` (0: every batch runs on its caller); a batch is split
  // only when it has at least 2 × `min_part` items.
  ParallelRunner(int helpers, int min_part, absl::string_view thread_name);
  ~ParallelRunner();  // Stop()
  ParallelRunner(const ParallelRunner&) = delete;
  ParallelRunner& operator=(const ParallelRunner&) = delete;

  // Calls run(i) once for every i in [0, n), then returns. `run` must be safe to call from
  // several threads at once for different i.
  void ForEach(size_t n, absl::FunctionRef<void(size_t)> run);

  // Joins the helpers; later batches run on their callers. Idempotent.
  void Stop();

  // Batches that the helpers took part in (for tests).
  int64_t shared_batches() const { return shared_batches_.load(); }

 private:
  struct Batch {
    explicit Batch(size_t n, absl::FunctionRef<void(size_t)> run) : n(n), run(run) {}
    // Claims and runs items until none is left.
    void Drain();
    const size_t n;
    const absl::FunctionRef<void(size_t)> run;
    std::atomic<size_t> next{0};
    int helpers = 0;      // helpers inside Drain, guarded by the runner's mutex
    bool helped = false;  // a helper took part, guarded by the runner's mutex
  };
  void Help();
  bool HasWorkOrStopping() const ABSL_SHARED_LOCKS_REQUIRED(mu_);

  const int min_part_;
  mutable absl::Mutex mu_;
  std::deque<Batch*> open_ ABSL_GUARDED_BY(mu_);  // batches with items left to claim
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::vector<std::thread> helpers_;
  std::atomic<int64_t> shared_batches_{0};
};

}  // namespace barion_gateway::server

#endif  // BARION_GATEWAY_SERVER_COMMON_PARALLEL_RUNNER_H_
