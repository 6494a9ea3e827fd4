#include "server/events/sqlite/read_thread.h"

#include <sqlite3.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "server/common/thread_name.h"

namespace barion_gateway::server {

absl::StatusOr<std::unique_ptr<ReadThread>> ReadThread::Open(const std::string& path) {
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, nullptr) !=
      SQLITE_OK) {
    absl::Status s = absl::UnavailableError(absl::StrCat(
        "event store: cannot open a reader on ", path, ": ", db ? sqlite3_errmsg(db) : "?"));
    sqlite3_close(db);
    return s;
  }
  sqlite3_busy_timeout(db, 5000);
  return std::unique_ptr<ReadThread>(new ReadThread(db));
}

ReadThread::ReadThread(sqlite3* db) : db_(db) {
  thread_ = NamedThread("store-reader", [this] {
    // Lower than every other thread of the gateway: the payment path's writes come first.
    setpriority(PRIO_PROCESS, static_cast<id_t>(syscall(SYS_gettid)), 19);
    Loop();
  });
}

ReadThread::~ReadThread() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  thread_.join();
  sqlite3_close(db_);
}

void ReadThread::Run(const std::function<void(sqlite3* db)>& read) {
  absl::Notification done;
  {
    absl::MutexLock lock(&mu_);
    queue_.push_back([&] {
      read(db_);
      done.Notify();
    });
  }
  done.WaitForNotification();
}

void ReadThread::Loop() {
  for (;;) {
    std::function<void()> next;
    {
      absl::MutexLock lock(&mu_);
      auto ready = [this]()
                       ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return !queue_.empty() || stopping_; };
      mu_.Await(absl::Condition(&ready));
      if (queue_.empty()) return;  // stopping, nothing left
      next = std::move(queue_.front());
      queue_.pop_front();
    }
    next();
  }
}

}  // namespace barion_gateway::server
