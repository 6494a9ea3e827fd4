// Schema migrations against a real PostgreSQL 15: applied once, recorded, atomic per version,
// once when replicas start together, refused when the database is newer than the gateway; and
// the connection's errors never carry the password.
#include "server/events/postgres/migrations.h"

#include <atomic>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/events/postgres/pg_connection.h"
#include "tests/support/postgres_server.h"

namespace barion_gateway::server::postgres {
namespace {

using testing::HasSubstr;
using testing::Not;
using testing_support::PostgresServer;

class MigrationsTest : public testing::Test {
 protected:
  void SetUp() override {
    auto server = PostgresServer::Start();
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
  }
  std::unique_ptr<PgConnection> Connect() {
    auto conn = PgConnection::Open({server_->dsn(), ""});
    EXPECT_TRUE(conn.ok()) << conn.status();
    return conn.ok() ? *std::move(conn) : nullptr;
  }
  std::unique_ptr<PostgresServer> server_;
};

TEST_F(MigrationsTest, TheStoresSchemaIsAppliedOnceAndRecorded) {
  auto conn = Connect();
  ASSERT_NE(conn, nullptr);
  const int latest = StoreMigrations().back().version;
  EXPECT_EQ(Migrate(*conn, StoreMigrations()).value_or(-1), latest);
  EXPECT_EQ(Migrate(*conn, StoreMigrations()).value_or(-1), latest);  // nothing left to do
  auto rows = conn->Exec("SELECT version, description FROM schema_migrations ORDER BY version");
  ASSERT_TRUE(rows.ok()) << rows.status();
  ASSERT_EQ(rows->size(), StoreMigrations().size());
  EXPECT_EQ((*rows)[0][0], "1");
  EXPECT_TRUE(conn->Exec("SELECT tx, id FROM events LIMIT 1").ok());
}

// Four replicas start at once. Each migration is a CREATE TABLE without IF NOT EXISTS that
// takes a moment: run twice, it would fail.
TEST_F(MigrationsTest, ReplicasStartingTogetherMigrateOnce) {
  const std::vector<Migration> migrations = {
      {1, "slow one", "SELECT pg_sleep(0.2); CREATE TABLE a (x int)"},
      {2, "slow two", "SELECT pg_sleep(0.2); CREATE TABLE b (x int)"}};
  std::atomic<int> ok{0};
  std::vector<std::thread> replicas;
  for (int r = 0; r < 4; ++r) {
    replicas.emplace_back([&] {
      auto conn = PgConnection::Open({server_->dsn(), ""});
      if (!conn.ok()) return;
      absl::StatusOr<int> version = Migrate(**conn, migrations);
      EXPECT_TRUE(version.ok()) << version.status();
      if (version.ok() && *version == 2) ++ok;
    });
  }
  for (std::thread& t : replicas) t.join();
  EXPECT_EQ(ok.load(), 4);
  auto conn = Connect();
  ASSERT_NE(conn, nullptr);
  EXPECT_EQ(conn->Exec("SELECT version FROM schema_migrations")->size(), 2u);
}

TEST_F(MigrationsTest, AFailingMigrationLeavesNothingOfItself) {
  auto conn = Connect();
  ASSERT_NE(conn, nullptr);
  const std::vector<Migration> migrations = {
      {1, "good", "CREATE TABLE good (x int)"},
      {2, "half bad", "CREATE TABLE half (x int); SELECT no_such_function()"}};
  absl::StatusOr<int> version = Migrate(*conn, migrations);
  ASSERT_FALSE(version.ok());
  EXPECT_THAT(version.status().message(), HasSubstr("schema migration 2 (half bad)"));
  EXPECT_THAT(version.status().message(), HasSubstr("42883"));  // SQLSTATE: undefined function
  EXPECT_EQ(conn->Exec("SELECT version FROM schema_migrations")->size(), 1u);
  EXPECT_FALSE(conn->Exec("SELECT x FROM half").ok()) << "version 2 was rolled back whole";
  EXPECT_TRUE(conn->Exec("SELECT x FROM good").ok());
}

TEST_F(MigrationsTest, ADatabaseNewerThanTheGatewayIsRefused) {
  auto conn = Connect();
  ASSERT_NE(conn, nullptr);
  ASSERT_TRUE(Migrate(*conn, StoreMigrations()).ok());
  ASSERT_TRUE(conn->Exec("INSERT INTO schema_migrations (version, description) VALUES "
                         "(999, 'from a newer gateway')")
                  .ok());
  absl::StatusOr<int> version = Migrate(*conn, StoreMigrations());
  EXPECT_EQ(version.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(version.status().message(), HasSubstr("version 999"));
}

TEST_F(MigrationsTest, ConnectionErrorsNeverCarryThePassword) {
  const std::string password = "s3cret-db-password-0123456789";
  // A port nobody listens on, and a database that does not exist: both refused, neither
  // message holds the password.
  auto refused = PgConnection::Open({"host=127.0.0.1 port=1 dbname=x user=gateway", password});
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(refused.status().message(), Not(HasSubstr(password)));
  auto missing = PgConnection::Open(
      {absl::StrCat("host=127.0.0.1 port=", server_->port(), " dbname=nope user=postgres"),
       password});
  ASSERT_FALSE(missing.ok());
  EXPECT_THAT(missing.status().message(), HasSubstr("nope"));
  EXPECT_THAT(missing.status().message(), Not(HasSubstr(password)));
}

TEST_F(MigrationsTest, AStoppedServerIsUnavailableAndARestartedOneServesAgain) {
  auto conn = Connect();
  ASSERT_NE(conn, nullptr);
  ASSERT_TRUE(server_->Stop().ok());
  EXPECT_EQ(conn->Exec("SELECT 1").status().code(), absl::StatusCode::kUnavailable);
  ASSERT_TRUE(server_->Restart().ok());
  auto again = Connect();
  ASSERT_NE(again, nullptr);
  EXPECT_TRUE(again->Exec("SELECT 1").ok());
}

}  // namespace
}  // namespace barion_gateway::server::postgres
