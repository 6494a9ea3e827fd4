#include "server/sqlite_event_store.h"

#include <fstream>

#include "gtest/gtest.h"
#include "tests/server/event_store_conformance.h"

namespace barion_gateway::server {
namespace {

std::unique_ptr<EventStore> OpenSqlite(const std::string& dir) {
  auto store = SqliteEventStore::Open(dir + "/events.db");
  EXPECT_TRUE(store.ok()) << store.status();
  return store.ok() ? std::unique_ptr<EventStore>(*std::move(store)) : nullptr;
}

INSTANTIATE_TEST_SUITE_P(Sqlite, EventStoreConformanceTest,
                         testing::Values(EventStoreFactory{"sqlite", &OpenSqlite}));

TEST(SqliteEventStoreTest, UsesWriteAheadLogging) {
  const std::string path = testing::TempDir() + "/wal.db";
  auto store = SqliteEventStore::Open(path);
  ASSERT_TRUE(store.ok());
  ASSERT_TRUE((*store)->RecordCallback("web", "p", absl::Now()).ok());
  EXPECT_TRUE(std::ifstream(path + "-wal").good());
}

TEST(SqliteEventStoreTest, UnwritableLocationIsUnavailable) {
  auto store = SqliteEventStore::Open("/nonexistent-dir/events.db");
  EXPECT_EQ(store.status().code(), absl::StatusCode::kUnavailable);
}

}  // namespace
}  // namespace barion_gateway::server

namespace barion_gateway::server {
namespace {

using Claim = StartLedger::Claim;

TEST(StartLedgerTest, ClaimsCompletesReleasesAndRemembersAcrossReopen) {
  const std::string path = testing::TempDir() + "/ledger.db";
  auto store = *SqliteEventStore::Open(path);
  EXPECT_EQ(store->ClaimStart("web", "r1", "req-A")->claim, Claim::kNew);
  EXPECT_EQ(store->ClaimStart("web", "r1", "req-A")->claim, Claim::kPending);
  EXPECT_EQ(store->ClaimStart("web", "r1", "req-B")->claim, Claim::kConflict);
  EXPECT_EQ(store->ClaimStart("kiosk", "r1", "req-B")->claim, Claim::kNew) << "per shop";
  // Released (nothing happened at Barion): the key is free again.
  ASSERT_TRUE(store->ReleaseStart("kiosk", "r1").ok());
  EXPECT_EQ(store->ClaimStart("kiosk", "r1", "req-C")->claim, Claim::kNew);
  // Completed: the answer is kept, and a release no longer frees the key.
  ASSERT_TRUE(store->CompleteStart("web", "r1", "answer-A").ok());
  ASSERT_TRUE(store->ReleaseStart("web", "r1").ok());
  store.reset();
  store = *SqliteEventStore::Open(path);
  absl::StatusOr<StartLedger::ClaimResult> again = store->ClaimStart("web", "r1", "req-A");
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->claim, Claim::kDone);
  EXPECT_EQ(again->response, "answer-A");
  EXPECT_EQ(store->ClaimStart("kiosk", "r1", "req-C")->claim, Claim::kPending);
}

}  // namespace
}  // namespace barion_gateway::server
