#include "server/common/parallel_runner.h"

#include <algorithm>
#include <string>

#include "server/common/thread_name.h"

namespace barion_gateway::server {

ParallelRunner::ParallelRunner(int helpers, int min_part, absl::string_view thread_name)
    : min_part_(std::max(1, min_part)) {
  for (int i = 0; i < helpers; ++i) {
    helpers_.push_back(NamedThread(std::string(thread_name), [this] { Help(); }));
  }
}

ParallelRunner::~ParallelRunner() { Stop(); }

void ParallelRunner::Batch::Drain() {
  for (size_t i = next.fetch_add(1); i < n; i = next.fetch_add(1)) run(i);
}

void ParallelRunner::ForEach(size_t n, absl::FunctionRef<void(size_t)> run) {
  Batch batch(n, run);
  bool shared = false;
  if (n >= 2 * static_cast<size_t>(min_part_)) {
    absl::MutexLock lock(&mu_);
    if (!stopping_ && !helpers_.empty()) {
      open_.push_back(&batch);
      shared = true;
    }
  }
  batch.Drain();
  if (!shared) return;
  absl::MutexLock lock(&mu_);
  // Every item is claimed: no helper may join from now on, and those inside finish theirs.
  auto listed = std::find(open_.begin(), open_.end(), &batch);
  if (listed != open_.end()) open_.erase(listed);
  mu_.Await(absl::Condition(
      +[](Batch* b) ABSL_NO_THREAD_SAFETY_ANALYSIS { return b->helpers == 0; }, &batch));
  if (batch.helped) shared_batches_.fetch_add(1);
}

bool ParallelRunner::HasWorkOrStopping() const { return stopping_ || !open_.empty(); }

void ParallelRunner::Help() {
  absl::MutexLock lock(&mu_);
  for (;;) {
    mu_.Await(absl::Condition(this, &ParallelRunner::HasWorkOrStopping));
    if (stopping_) return;
    Batch* batch = open_.front();
    ++batch->helpers;
    batch->helped = true;
    mu_.Unlock();
    batch->Drain();
    mu_.Lock();
    --batch->helpers;
    // Drained: nothing left to claim in it, so it leaves the list (if its caller has not yet
    // taken it out).
    auto listed = std::find(open_.begin(), open_.end(), batch);
    if (listed != open_.end()) open_.erase(listed);
  }
}

void ParallelRunner::Stop() {
  {
    absl::MutexLock lock(&mu_);
    if (stopping_) return;
    stopping_ = true;
  }
  for (std::thread& t : helpers_) t.join();
}

}  // namespace barion_gateway::server
