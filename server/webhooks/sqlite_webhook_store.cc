#include "server/webhooks/sqlite_webhook_store.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"

namespace barion_gateway::server {
namespace {

constexpr char kSchema[] = R"sql(
CREATE TABLE IF NOT EXISTS webhook_positions (
  endpoint TEXT PRIMARY KEY,
  cursor TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS webhook_dead_letters (
  endpoint TEXT NOT NULL,
  cursor TEXT NOT NULL,
  payment_id TEXT NOT NULL,
  event BLOB NOT NULL,
  attempts INTEGER NOT NULL,
  last_error TEXT NOT NULL,
  failed_at_us INTEGER NOT NULL,
  PRIMARY KEY (endpoint, cursor)
);
CREATE TABLE IF NOT EXISTS webhook_replays (
  endpoint TEXT PRIMARY KEY,
  cursor TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS webhook_dead_letters_by_time
  ON webhook_dead_letters (endpoint, failed_at_us);
)sql";

constexpr char kLetterColumns[] =
    "endpoint, cursor, payment_id, event, attempts, last_error, failed_at_us";

}  // namespace

absl::StatusOr<std::unique_ptr<SqliteWebhookStore>> SqliteWebhookStore::Open(
    const std::string& path) {
  // 0600 before SQLite opens it (its -wal and -shm files take the file's mode): dead letters
  // hold payment events.
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0 || ::fchmod(fd, 0600) != 0) {
    const std::string why = std::strerror(errno);
    if (fd >= 0) ::close(fd);
    return absl::UnavailableError(absl::StrCat("webhook store: cannot create ", path, ": ", why));
  }
  ::close(fd);
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
                      nullptr) != SQLITE_OK) {
    absl::Status s = absl::UnavailableError(
        absl::StrCat("webhook store: cannot open ", path, ": ", db ? sqlite3_errmsg(db) : "?"));
    sqlite3_close(db);
    return s;
  }
  sqlite3_busy_timeout(db, 5000);
  std::unique_ptr<SqliteWebhookStore> store(new SqliteWebhookStore(db));
  absl::MutexLock lock(&store->mu_);
  for (const char* sql : {"PRAGMA journal_mode=WAL", "PRAGMA synchronous=NORMAL", kSchema}) {
    if (sqlite3_exec(db, sql, nullptr, nullptr, nullptr) != SQLITE_OK) {
      return store->Error("create its schema");
    }
  }
  return store;
}

SqliteWebhookStore::~SqliteWebhookStore() {
  absl::MutexLock lock(&mu_);
  statements_.Clear();
  sqlite3_close(db_);
}

absl::Status SqliteWebhookStore::Error(const char* what) {
  return absl::UnavailableError(
      absl::StrCat("webhook store: cannot ", what, ": ", sqlite3_errmsg(db_)));
}

absl::StatusOr<std::optional<std::string>> SqliteWebhookStore::Position(
    const std::string& endpoint) {
  absl::MutexLock lock(&mu_);
  Statement st(statements_, "SELECT cursor FROM webhook_positions WHERE endpoint = ?");
  if (!st.ok()) return Error("read a position");
  st.Bind(1, endpoint);
  const int rc = st.Step();
  if (rc == SQLITE_DONE) return std::optional<std::string>();
  if (rc != SQLITE_ROW) return Error("read a position");
  return std::optional<std::string>(st.Text(0));
}

absl::Status SqliteWebhookStore::SavePosition(const std::string& endpoint,
                                              const std::string& cursor) {
  absl::MutexLock lock(&mu_);
  Statement st(statements_,
               "INSERT INTO webhook_positions (endpoint, cursor) VALUES (?, ?) "
               "ON CONFLICT (endpoint) DO UPDATE SET cursor = excluded.cursor");
  if (!st.ok()) return Error("save a position");
  st.Bind(1, endpoint);
  st.Bind(2, cursor);
  return st.Step() == SQLITE_DONE ? absl::OkStatus() : Error("save a position");
}

absl::Status SqliteWebhookStore::AddDeadLetter(const DeadLetter& letter) {
  absl::MutexLock lock(&mu_);
  Statement st(statements_,
               "INSERT OR REPLACE INTO webhook_dead_letters (endpoint, cursor, payment_id, event, "
               "attempts, last_error, failed_at_us) VALUES (?, ?, ?, ?, ?, ?, ?)");
  if (!st.ok()) return Error("record a dead letter");
  st.Bind(1, letter.endpoint);
  st.Bind(2, letter.cursor);
  st.Bind(3, letter.payment_id);
  st.BindBlob(4, letter.event);
  st.Bind(5, static_cast<int64_t>(letter.attempts));
  st.Bind(6, letter.last_error);
  st.Bind(7, absl::ToUnixMicros(letter.failed_at));
  return st.Step() == SQLITE_DONE ? absl::OkStatus() : Error("record a dead letter");
}

absl::StatusOr<std::vector<DeadLetter>> SqliteWebhookStore::SelectLetters(
    const char* sql, const std::string& endpoint, const std::string& second, int64_t limit) {
  Statement st(statements_, sql);
  if (!st.ok()) return Error("read dead letters");
  st.Bind(1, endpoint);
  if (!second.empty()) {
    st.Bind(2, second);
  } else {
    st.Bind(2, limit);
  }
  std::vector<DeadLetter> out;
  int rc;
  while ((rc = st.Step()) == SQLITE_ROW) {
    DeadLetter l;
    l.endpoint = st.Text(0);
    l.cursor = st.Text(1);
    l.payment_id = st.Text(2);
    l.event = st.Text(3);
    l.attempts = static_cast<int>(st.Int(4));
    l.last_error = st.Text(5);
    l.failed_at = absl::FromUnixMicros(st.Int(6));
    out.push_back(std::move(l));
  }
  if (rc != SQLITE_DONE) return Error("read dead letters");
  return out;
}

absl::StatusOr<std::vector<DeadLetter>> SqliteWebhookStore::DeadLetters(const std::string& endpoint,
                                                                        int limit) {
  absl::MutexLock lock(&mu_);
  static const std::string sql = absl::StrCat("SELECT ", kLetterColumns,
                                              " FROM webhook_dead_letters WHERE endpoint = ? "
                                              "ORDER BY failed_at_us DESC, cursor DESC LIMIT ?");
  return SelectLetters(sql.c_str(), endpoint, "", limit);
}

absl::StatusOr<std::optional<DeadLetter>> SqliteWebhookStore::FindDeadLetter(
    const std::string& endpoint, const std::string& cursor) {
  absl::MutexLock lock(&mu_);
  static const std::string sql = absl::StrCat(
      "SELECT ", kLetterColumns, " FROM webhook_dead_letters WHERE endpoint = ? AND cursor = ?");
  absl::StatusOr<std::vector<DeadLetter>> found = SelectLetters(sql.c_str(), endpoint, cursor, 1);
  if (!found.ok()) return found.status();
  if (found->empty()) return std::optional<DeadLetter>();
  return std::optional<DeadLetter>(std::move(found->front()));
}

absl::Status SqliteWebhookStore::RemoveDeadLetter(const std::string& endpoint,
                                                  const std::string& cursor) {
  absl::MutexLock lock(&mu_);
  Statement st(statements_, "DELETE FROM webhook_dead_letters WHERE endpoint = ? AND cursor = ?");
  if (!st.ok()) return Error("remove a dead letter");
  st.Bind(1, endpoint);
  st.Bind(2, cursor);
  return st.Step() == SQLITE_DONE ? absl::OkStatus() : Error("remove a dead letter");
}

absl::StatusOr<int64_t> SqliteWebhookStore::CountDeadLetters(const std::string& endpoint) {
  absl::MutexLock lock(&mu_);
  Statement st(statements_, "SELECT COUNT(*) FROM webhook_dead_letters WHERE endpoint = ?");
  if (!st.ok()) return Error("count dead letters");
  st.Bind(1, endpoint);
  if (st.Step() != SQLITE_ROW) return Error("count dead letters");
  return st.Int(0);
}

absl::StatusOr<bool> SqliteWebhookStore::Claim(const std::string&, const std::string&,
                                               absl::Duration) {
  return true;  // one process owns the data folder
}

absl::Status SqliteWebhookStore::Release(const std::string&, const std::string&) {
  return absl::OkStatus();
}

absl::Status SqliteWebhookStore::RequestReplay(const std::string& endpoint,
                                               const std::string& cursor) {
  absl::MutexLock lock(&mu_);
  Statement st(statements_,
               "INSERT OR REPLACE INTO webhook_replays (endpoint, cursor) VALUES (?, ?)");
  if (!st.ok()) return Error("record a replay");
  st.Bind(1, endpoint);
  st.Bind(2, cursor);
  return st.Step() == SQLITE_DONE ? absl::OkStatus() : Error("record a replay");
}

absl::StatusOr<std::optional<std::string>> SqliteWebhookStore::TakeReplay(
    const std::string& endpoint) {
  absl::MutexLock lock(&mu_);
  std::optional<std::string> cursor;
  {
    Statement st(statements_, "SELECT cursor FROM webhook_replays WHERE endpoint = ?");
    if (!st.ok()) return Error("read a replay");
    st.Bind(1, endpoint);
    const int rc = st.Step();
    if (rc == SQLITE_ROW) cursor = st.Text(0);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) return Error("read a replay");
  }
  if (!cursor.has_value()) return cursor;
  Statement st(statements_, "DELETE FROM webhook_replays WHERE endpoint = ?");
  if (!st.ok()) return Error("take a replay");
  st.Bind(1, endpoint);
  if (st.Step() != SQLITE_DONE) return Error("take a replay");
  return cursor;
}

}  // namespace barion_gateway::server
