// The faults the control API arms (docs/SANDBOX.md), with their own lock: taking one for a
// request never waits on the payments' state.
#ifndef BARION_GATEWAY_SANDBOX_MODEL_FAULT_BOOK_H_
#define BARION_GATEWAY_SANDBOX_MODEL_FAULT_BOOK_H_

#include <deque>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/types/optional.h"
#include "sandbox/model/state.h"

namespace barion_gateway::sandbox {

class FaultBook {
 public:
  void Arm(Fault fault);
  void Clear();
  // The first armed fault whose prefix `path` starts with, used once (removed when used up).
  absl::optional<Fault> Take(const std::string& path);

 private:
  absl::Mutex mu_;
  std::deque<Fault> faults_ ABSL_GUARDED_BY(mu_);
};

}  // namespace barion_gateway::sandbox

#endif  // BARION_GATEWAY_SANDBOX_MODEL_FAULT_BOOK_H_
