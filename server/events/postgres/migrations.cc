#include "server/events/postgres/migrations.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "server/events/postgres/event_log_sql.h"
#include "server/events/postgres/stores_sql.h"

namespace barion_gateway::server::postgres {
namespace {

// The advisory lock's key: any constant the stores' database uses for nothing else.
constexpr char kLockKey[] = "7351402918237001";

absl::Status Run(PgConnection& conn, const char* sql) { return conn.ExecScript(sql); }

}  // namespace

const std::vector<Migration>& StoreMigrations() {
  static const std::vector<Migration>* migrations = new std::vector<Migration>{
      {1, "the event log", kCreateEvents},
      {2, "the inbox, schedule, start ledger and identity", kCreateStores},
      {3, "indexes for event filters by shop and by status", kIndexEventFilters},
      {4, "webhook positions, dead letters, claims and replays", kCreateWebhooks}};
  return *migrations;
}

absl::StatusOr<int> Migrate(PgConnection& conn, const std::vector<Migration>& migrations) {
  // The lock first: even CREATE TABLE IF NOT EXISTS fails when two sessions run it at once.
  if (absl::Status s = conn.Exec(absl::StrCat("SELECT pg_advisory_lock(", kLockKey, ")")).status();
      !s.ok()) {
    return s;
  }
  absl::StatusOr<int> result = [&]() -> absl::StatusOr<int> {
    if (absl::Status s = Run(conn,
                             "CREATE TABLE IF NOT EXISTS schema_migrations ("
                             "version INTEGER PRIMARY KEY, description TEXT NOT NULL, "
                             "applied_at TIMESTAMPTZ NOT NULL DEFAULT now())");
        !s.ok()) {
      return s;
    }
    absl::StatusOr<PgRows> rows =
        conn.Exec("SELECT COALESCE(MAX(version), 0) FROM schema_migrations");
    if (!rows.ok()) return rows.status();
    int current = 0;
    if (rows->empty() || !absl::SimpleAtoi((*rows)[0][0], &current)) {
      return absl::InternalError("event store: unreadable schema_migrations");
    }
    const int known = migrations.empty() ? 0 : migrations.back().version;
    if (current > known) {
      return absl::FailedPreconditionError(
          absl::StrCat("event store: the database's schema is at version ", current,
                       ", newer than this "
                       "gateway knows (",
                       known, "): a newer gateway migrated it; run that one"));
    }
    for (const Migration& m : migrations) {
      if (m.version <= current) continue;
      absl::Status s = Run(conn, "BEGIN");
      if (s.ok()) s = Run(conn, m.sql);
      if (s.ok()) {
        s = conn.Exec("INSERT INTO schema_migrations (version, description) VALUES ($1, $2)",
                      {absl::StrCat(m.version), m.description})
                .status();
      }
      if (s.ok()) s = Run(conn, "COMMIT");
      if (!s.ok()) {
        Run(conn, "ROLLBACK").IgnoreError();
        return absl::Status(s.code(), absl::StrCat("schema migration ", m.version, " (",
                                                   m.description, "): ", s.message()));
      }
      current = m.version;
    }
    return current;
  }();
  conn.Exec(absl::StrCat("SELECT pg_advisory_unlock(", kLockKey, ")")).IgnoreError();
  return result;
}

}  // namespace barion_gateway::server::postgres
