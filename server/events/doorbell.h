// Doorbell: "there is new work" from producers (the callback listener, the operations layer's
// observer) to one consumer thread (the callback processor), without either knowing the other.
// Rings are not counted: any number of rings before a wait wake it once.
#ifndef BARION_GATEWAY_SERVER_EVENTS_DOORBELL_H_
#define BARION_GATEWAY_SERVER_EVENTS_DOORBELL_H_

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace barion_gateway::server {

class Doorbell {
 public:
  // Thread-safe, cheap, never blocks for long.
  void Ring() {
    absl::MutexLock lock(&mu_);
    rung_ = true;
  }
  // Waits until rung (since the last wait) or `timeout` passed; clears the ring.
  void Wait(absl::Duration timeout) {
    absl::MutexLock lock(&mu_);
    mu_.AwaitWithTimeout(absl::Condition(&rung_), timeout);
    rung_ = false;
  }

 private:
  absl::Mutex mu_;
  bool rung_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace barion_gateway::server

#endif  // BARION_GATEWAY_SERVER_EVENTS_DOORBELL_H_
