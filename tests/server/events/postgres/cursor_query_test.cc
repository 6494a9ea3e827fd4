// The PostgreSQL event log's cursor (server/events/postgres/event_log_sql.h) against a real
// PostgreSQL 15 of the test's own: why an identity column alone skips events when writers
// commit out of order, and that the (transaction, id) cursor with the snapshot horizon does
// not, with many writers on their own connections committing after random delays while a
// reader follows by cursor.
#include <atomic>
#include <map>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "postgresql/libpq-fe.h"
#include "server/events/postgres/event_log_sql.h"
#include "tests/support/postgres_server.h"

namespace barion_gateway::server::postgres {
namespace {

using testing_support::PostgresServer;

// One libpq connection; each statement must succeed.
class Connection {
 public:
  explicit Connection(const std::string& dsn) : conn_(PQconnectdb(dsn.c_str())) {
    EXPECT_EQ(PQstatus(conn_), CONNECTION_OK) << PQerrorMessage(conn_);
  }
  ~Connection() { PQfinish(conn_); }
  void Exec(const std::string& sql) {
    PGresult* r = PQexec(conn_, sql.c_str());
    const ExecStatusType status = PQresultStatus(r);
    EXPECT_TRUE(status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK)
        << sql << ": " << PQerrorMessage(conn_);
    PQclear(r);
  }
  // The rows ReadAfterSql (the statement PgEventStore::ReadAfter runs, here without a filter)
  // returns after (tx, id): each as (tx, id, payload).
  struct Row {
    std::string tx;
    int64_t id = 0;
    std::string payload;
  };
  std::vector<Row> ReadAfter(const std::string& tx, int64_t id, int limit) {
    const std::string id_text = absl::StrCat(id), limit_text = absl::StrCat(limit);
    const char* params[] = {tx.c_str(), id_text.c_str(), limit_text.c_str()};
    static const std::string sql = ReadAfterSql({}, 3);
    PGresult* r = PQexecParams(conn_, sql.c_str(), 3, nullptr, params, nullptr, nullptr, 0);
    EXPECT_EQ(PQresultStatus(r), PGRES_TUPLES_OK) << PQerrorMessage(conn_);
    std::vector<Row> rows;
    for (int i = 0; i < PQntuples(r); ++i) {
      Row row;
      row.tx = PQgetvalue(r, i, 0);
      EXPECT_TRUE(absl::SimpleAtoi(PQgetvalue(r, i, 1), &row.id));
      // bytea in text form is hex: "\x..."; the payloads here are ASCII.
      std::string hex = PQgetvalue(r, i, 2);
      for (size_t k = 2; k + 1 < hex.size(); k += 2) {
        row.payload.push_back(static_cast<char>(std::stoi(hex.substr(k, 2), nullptr, 16)));
      }
      rows.push_back(std::move(row));
    }
    PQclear(r);
    return rows;
  }
  std::vector<int64_t> IdsAfter(int64_t id) {
    PGresult* r = PQexec(
        conn_, absl::StrCat("SELECT id FROM events WHERE id > ", id, " ORDER BY id").c_str());
    std::vector<int64_t> ids;
    for (int i = 0; i < PQntuples(r); ++i) ids.push_back(std::stoll(PQgetvalue(r, i, 0)));
    PQclear(r);
    return ids;
  }

 private:
  PGconn* conn_;
};

std::string Insert(const std::string& payload) {
  return absl::StrCat(
      "INSERT INTO events (shop, payment_id, status, event) VALUES ('web', 'p', 1, "
      "convert_to('",
      payload, "', 'UTF8'))");
}

class CursorQueryTest : public testing::Test {
 protected:
  void SetUp() override {
    auto server = PostgresServer::Start();
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
    Connection(server_->dsn()).Exec(kCreateEvents);
  }
  std::unique_ptr<PostgresServer> server_;
};

// The gap the design avoids, reproduced: A takes id 1 and commits after B took id 2 and
// committed. Following by id alone skips 1 for ever; the (tx, id) cursor returns nothing
// until A commits, then both.
TEST_F(CursorQueryTest, AnIdentityCursorSkipsALateCommitAndTheSnapshotCursorDoesNot) {
  Connection a(server_->dsn()), b(server_->dsn()), reader(server_->dsn());
  a.Exec("BEGIN");
  a.Exec(Insert("first"));
  b.Exec(Insert("second"));  // autocommit
  std::vector<int64_t> by_id = reader.IdsAfter(0);
  ASSERT_EQ(by_id.size(), 1u);
  const int64_t id_cursor = by_id.back();
  EXPECT_TRUE(reader.ReadAfter("0", 0, 100).empty()) << "held back while A runs";
  a.Exec("COMMIT");
  EXPECT_TRUE(reader.IdsAfter(id_cursor).empty()) << "the identity cursor skipped A's row";
  std::vector<Connection::Row> rows = reader.ReadAfter("0", 0, 100);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].payload, "first");
  EXPECT_EQ(rows[1].payload, "second");
}

// Eight writers on their own connections, each appending in transactions that stay open a
// random 0-15 ms; a reader follows by cursor in small pages. Every row is seen exactly once,
// each writer's rows in the order it wrote them.
TEST_F(CursorQueryTest, ConcurrentWritersWithDelayedCommitsLoseNothing) {
  constexpr int kWriters = 8, kPerWriter = 60;
  std::atomic<int> done{0};
  std::vector<std::thread> writers;
  for (int w = 0; w < kWriters; ++w) {
    writers.emplace_back([&, w] {
      Connection conn(server_->dsn());
      std::mt19937 rng(w);
      for (int i = 0; i < kPerWriter; ++i) {
        conn.Exec("BEGIN");
        conn.Exec(Insert(absl::StrCat(w, ":", i)));
        absl::SleepFor(absl::Milliseconds(rng() % 16));
        conn.Exec("COMMIT");
      }
      ++done;
    });
  }
  Connection reader(server_->dsn());
  std::string tx = "0";
  int64_t id = 0;
  std::map<int, int> next;  // writer -> the sequence number expected next
  std::map<std::string, std::string> seen;
  int duplicates = 0, out_of_order = 0;
  const absl::Time deadline = absl::Now() + absl::Seconds(60);
  while (absl::Now() < deadline) {
    const bool finished = done.load() == kWriters;
    std::vector<Connection::Row> page = reader.ReadAfter(tx, id, 7);
    for (const Connection::Row& row : page) {
      const std::string at = absl::StrCat("(", row.tx, ", ", row.id, ")");
      if (auto [it, fresh] = seen.emplace(row.payload, at); !fresh) {
        ++duplicates;
        ADD_FAILURE() << "again: " << row.payload << " at " << at << ", first at " << it->second;
      }
      const size_t colon = row.payload.find(':');
      const int w = std::stoi(row.payload.substr(0, colon));
      const int i = std::stoi(row.payload.substr(colon + 1));
      out_of_order += i != next[w];
      next[w] = i + 1;
      tx = row.tx;
      id = row.id;
    }
    if (finished && page.empty()) break;
    if (page.empty()) absl::SleepFor(absl::Milliseconds(2));
  }
  for (std::thread& t : writers) t.join();
  for (const Connection::Row& row : reader.ReadAfter("0", 0, 100000)) {
    if (!seen.count(row.payload)) {
      ADD_FAILURE() << "skipped " << row.payload << " at (" << row.tx << ", " << row.id << ")";
    }
  }
  EXPECT_EQ(seen.size(), static_cast<size_t>(kWriters * kPerWriter));
  EXPECT_EQ(duplicates, 0);
  EXPECT_EQ(out_of_order, 0);
}

}  // namespace
}  // namespace barion_gateway::server::postgres
