// ReadThread: the SQLite store's reads of the event log (ListPaymentEvents, stream catch-up) on
// a read-only connection of their own, run one at a time by a thread of the lowest CPU
// priority (nice +19). WAL lets them run beside the writer, and the kernel gives the payment path's
// writes the CPU first, so however many callers loop expensive reads, a start or a callback
// receipt is not held up by them (docs/PERFORMANCE.md, "Readers and the payment path").
// Callers wait for their read; reads are served in arrival order. Thread-safe.
#ifndef BARION_GATEWAY_SERVER_EVENTS_SQLITE_READ_THREAD_H_
#define BARION_GATEWAY_SERVER_EVENTS_SQLITE_READ_THREAD_H_

#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"

struct sqlite3;

namespace barion_gateway::server {

class ReadThread {
 public:
  // Opens `path` read-only and starts the thread. UNAVAILABLE when the file cannot be opened.
  static absl::StatusOr<std::unique_ptr<ReadThread>> Open(const std::string& path);
  ~ReadThread();  // finishes the reads queued, then closes the connection

  // Runs `read` with the connection on the thread and returns when it has run.
  void Run(const std::function<void(sqlite3* db)>& read);

 private:
  explicit ReadThread(sqlite3* db);
  void Loop();

  sqlite3* const db_;
  absl::Mutex mu_;
  std::deque<std::function<void()>> queue_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_;
};

}  // namespace barion_gateway::server

#endif  // BARION_GATEWAY_SERVER_EVENTS_SQLITE_READ_THREAD_H_
