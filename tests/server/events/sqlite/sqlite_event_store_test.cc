#include "server/events/sqlite/sqlite_event_store.h"

#include <sys/stat.h>

#include <atomic>
#include <cstdio>
#include <fstream>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "sqlite3.h"
#include "tests/server/events/event_store_conformance.h"

namespace barion_gateway::server {
namespace {

namespace v1 = ::barion::v1;

std::unique_ptr<EventStore> OpenSqlite(const std::string& dir) {
  auto store = SqliteEventStore::Open(dir + "/events.db");
  EXPECT_TRUE(store.ok()) << store.status();
  return store.ok() ? std::unique_ptr<EventStore>(*std::move(store)) : nullptr;
}

INSTANTIATE_EVENT_STORE_CONFORMANCE(Sqlite, (EventStoreFactory{"sqlite", &OpenSqlite}));

TEST(SqliteEventStoreTest, UsesWriteAheadLogging) {
  const std::string path = testing::TempDir() + "/wal.db";
  auto store = SqliteEventStore::Open(path);
  ASSERT_TRUE(store.ok());
  ASSERT_TRUE((*store)->RecordCallback("web", "p", absl::Now()).ok());
  EXPECT_TRUE(std::ifstream(path + "-wal").good());
}

// Durable by default (synchronous=FULL); the writes relaxed to NORMAL (a watch, a start's
// answer: a loss costs a repeat, not money) put FULL back for the next. A second proof beside
// tests/e2e/fsync_order_test, which counts the fsyncs under strace.
TEST(SqliteEventStoreTest, OpensWithSynchronousFullAndKeepsItAfterARelaxedWrite) {
  auto store = SqliteEventStore::Open(testing::TempDir() + "/synchronous.db");
  ASSERT_TRUE(store.ok()) << store.status();
  EXPECT_EQ((*store)->synchronous_level(), 2);
  ASSERT_TRUE((*store)->WatchPayment("web", "p", absl::Now(), absl::Minutes(1)).ok());
  EXPECT_EQ((*store)->synchronous_level(), 2);
  ASSERT_TRUE((*store)->ClaimStart("web", "r", "request").ok());
  ASSERT_TRUE((*store)->CompleteStart("web", "r", "response").ok());
  EXPECT_EQ((*store)->synchronous_level(), 2);
}

// The hot paths (a StartPayment's claim, completion and watch; a callback's receipt; an append)
// prepare their SQL once, not per call: fails when a statement is prepared per use again.
TEST(SqliteEventStoreTest, StatementsArePreparedOncePerSqlText) {
  auto store = SqliteEventStore::Open(testing::TempDir() + "/prepares.db");
  ASSERT_TRUE(store.ok());
  auto round = [&](int i) {
    const std::string id = absl::StrCat("req-", i), payment = absl::StrCat("p-", i);
    auto claim = (*store)->ClaimStart("web", id, "request");
    ASSERT_TRUE(claim.ok());
    ASSERT_EQ(claim->claim, StartLedger::Claim::kNew);
    ASSERT_TRUE((*store)->CompleteStart("web", id, "response").ok());
    ASSERT_EQ((*store)->ClaimStart("web", id, "request")->claim, StartLedger::Claim::kDone);
    ASSERT_TRUE((*store)->WatchPayment("web", payment, absl::Now(), absl::Minutes(1)).ok());
    ASSERT_TRUE((*store)->ClaimStart("web", absl::StrCat("gone-", i), "request").ok());
    ASSERT_TRUE((*store)->ReleaseStart("web", absl::StrCat("gone-", i)).ok());
    auto receipt = (*store)->RecordCallback("web", payment, absl::Now());
    ASSERT_TRUE(receipt.ok());
    ASSERT_TRUE((*store)->CompleteCallbacks({*receipt}).ok());
    v1::PaymentEvent event;
    event.set_shop("web");
    event.set_payment_id(payment);
    event.mutable_snapshot()->set_status(v1::PAYMENT_STATUS_SUCCEEDED);
    ASSERT_TRUE((*store)->AppendIfChanged(event).ok());
  };
  round(0);
  const int64_t after_first = (*store)->statement_prepares();
  EXPECT_GT(after_first, 0);
  for (int i = 1; i <= 50; ++i) round(i);
  EXPECT_EQ((*store)->statement_prepares(), after_first);
}

// Concurrent start claims and receipts share durable commits (group commit), and every claim
// still gets its own answer: fails when each write commits (and fsyncs) alone again.
TEST(SqliteEventStoreTest, ConcurrentClaimsAndReceiptsShareCommits) {
  auto store = SqliteEventStore::Open(testing::TempDir() + "/group.db");
  ASSERT_TRUE(store.ok());
  constexpr int kThreads = 8, kEach = 40;
  const int64_t before = (*store)->group_commits();
  std::vector<std::thread> threads;
  std::atomic<int> fresh{0}, repeated{0}, receipts{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        // Threads pair up on keys: of two claims of one key, exactly one is new.
        const std::string id = absl::StrCat("req-", t / 2, "-", i);
        auto claim = (*store)->ClaimStart("web", id, "request");
        if (claim.ok() && claim->claim == StartLedger::Claim::kNew) ++fresh;
        if (claim.ok() && claim->claim == StartLedger::Claim::kPending) ++repeated;
        if ((*store)->RecordCallback("web", id, absl::Now()).ok()) ++receipts;
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(fresh.load(), kThreads / 2 * kEach);
  EXPECT_EQ(repeated.load(), kThreads / 2 * kEach);
  EXPECT_EQ(receipts.load(), kThreads * kEach);
  const int64_t commits = (*store)->group_commits() - before;
  EXPECT_LT(commits, 2 * kThreads * kEach) << "every write committed alone";
  auto pending = (*store)->PendingCallbacks(10 * kThreads * kEach);
  ASSERT_TRUE(pending.ok());
  EXPECT_EQ(pending->size(), static_cast<size_t>(kThreads * kEach));
}

// A store made before receipts had a trace id opens, gains the column, and keeps its receipts.
TEST(SqliteEventStoreTest, AStoreWithoutTraceIdsIsMigrated) {
  const std::string path = testing::TempDir() + "/old-schema.db";
  {
    auto store = SqliteEventStore::Open(path);
    ASSERT_TRUE(store.ok());
    ASSERT_TRUE((*store)->RecordCallback("web", "old", absl::Now()).ok());
  }
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(
      sqlite3_exec(db, "ALTER TABLE callbacks DROP COLUMN trace_id", nullptr, nullptr, nullptr),
      SQLITE_OK)
      << sqlite3_errmsg(db);
  sqlite3_close(db);
  auto store = SqliteEventStore::Open(path);
  ASSERT_TRUE(store.ok()) << store.status();
  ASSERT_TRUE((*store)
                  ->RecordCallback("web", "new", absl::Now(), barion::v1::EVENT_SOURCE_RPC,
                                   "0af7651916cd43dd8448eb211c80319c")
                  .ok());
  auto pending = (*store)->PendingCallbacks(10);
  ASSERT_TRUE(pending.ok());
  ASSERT_EQ(pending->size(), 2u);
  EXPECT_EQ((*pending)[0].trace_id, "");
  EXPECT_EQ((*pending)[1].trace_id, "0af7651916cd43dd8448eb211c80319c");
}

int Mode(const std::string& path) {
  struct stat info;
  return ::stat(path.c_str(), &info) == 0 ? static_cast<int>(info.st_mode & 0777) : -1;
}

// Payers' data and payment states: readable by the gateway's user only, whatever the umask,
// including SQLite's -wal and -shm files, the lock file, and a file that existed with wider
// rights.
TEST(SqliteEventStoreTest, DataFilesAreCreatedReadableByTheOwnerOnly) {
  const std::string path = testing::TempDir() + "/mode.db";
  std::ofstream(path).close();
  ::chmod(path.c_str(), 0644);
  auto store = SqliteEventStore::Open(path);
  ASSERT_TRUE(store.ok());
  ASSERT_TRUE((*store)->RecordCallback("web", "p", absl::Now()).ok());
  EXPECT_EQ(Mode(path), 0600);
  EXPECT_EQ(Mode(path + "-wal"), 0600);
  // The WAL index is shared with the store's reader connection.
  EXPECT_EQ(Mode(path + "-shm"), 0600);
  EXPECT_EQ(Mode(path + ".lock"), 0600);
}

// The store holds its file's lock file (flock) for its lifetime: a second store on the same
// file, a second gateway on one data_dir, is refused rather than sharing it.
TEST(SqliteEventStoreTest, ASecondStoreOnTheSameFileIsRefused) {
  const std::string path = testing::TempDir() + "/exclusive.db";
  auto first = SqliteEventStore::Open(path);
  ASSERT_TRUE(first.ok());
  ASSERT_TRUE((*first)->RecordCallback("web", "p", absl::Now()).ok());
  auto second = SqliteEventStore::Open(path);  // the lock file is taken
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_NE(second.status().message().find("locked"), std::string::npos) << second.status();
  first->reset();
  EXPECT_TRUE(SqliteEventStore::Open(path).ok());  // free once the first is closed
}

v1::PaymentEvent Prepared(const std::string& payment_id) {
  v1::PaymentEvent e;
  e.set_shop("web");
  e.set_payment_id(payment_id);
  e.mutable_snapshot()->set_status(v1::PAYMENT_STATUS_PREPARED);
  return e;
}

// Every store has an identity, kept across reopening and carried in its cursors: a cursor of a
// store created anew in the same place is not this store's.
TEST(SqliteEventStoreTest, CursorsCarryTheStoresIdentity) {
  const std::string path = testing::TempDir() + "/identity.db";
  std::remove(path.c_str());
  int64_t first_cursor = 0;
  int64_t identity = 0;
  {
    auto store = *SqliteEventStore::Open(path);
    identity = store->identity();
    EXPECT_GT(identity, 0);
    first_cursor = std::stoll((*store->AppendIfChanged(Prepared("p1")))->cursor());
    EXPECT_TRUE(store->Owns(EventCursor::At(0, first_cursor)));
    EXPECT_TRUE(store->Owns(EventCursor()));
  }
  {
    auto reopened = *SqliteEventStore::Open(path);
    EXPECT_EQ(reopened->identity(), identity);
    EXPECT_TRUE(reopened->Owns(EventCursor::At(0, first_cursor)));
  }
  for (const char* suffix : {"", "-wal", "-shm"}) std::remove((path + suffix).c_str());
  auto anew = *SqliteEventStore::Open(path);
  EXPECT_NE(anew->identity(), identity);
  EXPECT_FALSE(anew->Owns(EventCursor::At(0, first_cursor)));
  const int64_t new_cursor = std::stoll((*anew->AppendIfChanged(Prepared("p1")))->cursor());
  EXPECT_TRUE(anew->Owns(EventCursor::At(0, new_cursor)));
  EXPECT_NE(new_cursor, first_cursor) << "the new store's first event has another cursor";
  EXPECT_EQ(anew->ReadAfter(EventCursor::At(0, first_cursor), {}, 10).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(SqliteEventStoreTest, UnwritableLocationIsUnavailable) {
  auto store = SqliteEventStore::Open("/nonexistent-dir/events.db");
  EXPECT_EQ(store.status().code(), absl::StatusCode::kUnavailable);
}

}  // namespace
}  // namespace barion_gateway::server
