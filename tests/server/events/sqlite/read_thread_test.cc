// ReadThread: reads of the log run on their own connection and thread at the lowest priority,
// and a read in progress (an open read transaction) never holds up the store's writes.
#include "server/events/sqlite/read_thread.h"

#include <sqlite3.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <thread>
#include <vector>

#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "server/events/sqlite/sqlite_event_store.h"

namespace barion_gateway::server {
namespace {

TEST(ReadThreadTest, AReadInProgressDoesNotHoldUpTheStoresWrites) {
  const std::string path = testing::TempDir() + "/read_thread.db";
  auto store = SqliteEventStore::Open(path);
  ASSERT_TRUE(store.ok()) << store.status();
  ASSERT_TRUE((*store)->RecordCallback("web", "p0", absl::Now()).ok());
  auto reader = ReadThread::Open(path);
  ASSERT_TRUE(reader.ok()) << reader.status();

  absl::Notification reading, release;
  int niceness = 0;
  std::thread read([&] {
    (*reader)->Run([&](sqlite3* db) {
      niceness = getpriority(PRIO_PROCESS, static_cast<id_t>(syscall(SYS_gettid)));
      sqlite3_stmt* st = nullptr;
      sqlite3_prepare_v2(db, "SELECT COUNT(*) FROM callbacks", -1, &st, nullptr);
      ASSERT_EQ(sqlite3_step(st), SQLITE_ROW);  // a read transaction is open from here
      EXPECT_EQ(sqlite3_column_int(st, 0), 1);
      reading.Notify();
      release.WaitForNotification();
      sqlite3_finalize(st);
    });
  });
  reading.WaitForNotification();
  // Writes commit (durably) while the read holds its snapshot.
  const absl::Time start = absl::Now();
  for (int i = 1; i <= 20; ++i) {
    ASSERT_TRUE((*store)->RecordCallback("web", "p" + std::to_string(i), absl::Now()).ok());
  }
  EXPECT_LT(absl::Now() - start, absl::Seconds(5));
  release.Notify();
  read.join();
  EXPECT_EQ(niceness, 19);
  // A later read sees them.
  int count = 0;
  (*reader)->Run([&](sqlite3* db) {
    sqlite3_stmt* st = nullptr;
    sqlite3_prepare_v2(db, "SELECT COUNT(*) FROM callbacks", -1, &st, nullptr);
    if (sqlite3_step(st) == SQLITE_ROW) count = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
  });
  EXPECT_EQ(count, 21);
}

TEST(ReadThreadTest, ReadsRunOneAtATimeInArrivalOrder) {
  const std::string path = testing::TempDir() + "/read_order.db";
  auto store = SqliteEventStore::Open(path);
  ASSERT_TRUE(store.ok());
  auto reader = ReadThread::Open(path);
  ASSERT_TRUE(reader.ok());
  std::atomic<int> running{0};
  std::atomic<int> most{0};
  std::vector<std::thread> callers;
  for (int i = 0; i < 8; ++i) {
    callers.emplace_back([&] {
      (*reader)->Run([&](sqlite3*) {
        const int now = ++running;
        most = std::max(most.load(), now);
        absl::SleepFor(absl::Milliseconds(5));
        --running;
      });
    });
  }
  for (std::thread& t : callers) t.join();
  EXPECT_EQ(most.load(), 1);
}

}  // namespace
}  // namespace barion_gateway::server
