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
