#include "server/events/sqlite/sqlite_event_store.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <random>
#include <utility>

#include "absl/functional/function_ref.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "server/events/sqlite/statement.h"

namespace barion_gateway::server {
namespace {

namespace v1 = ::barion::v1;

constexpr char kSchema[] = R"sql(
  CREATE TABLE IF NOT EXISTS callbacks (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    shop TEXT NOT NULL,
    payment_id TEXT NOT NULL,
    received_at_us INTEGER NOT NULL,
    source INTEGER NOT NULL,
    done INTEGER NOT NULL DEFAULT 0);
  CREATE INDEX IF NOT EXISTS callbacks_pending ON callbacks (done, id);
  CREATE TABLE IF NOT EXISTS events (
    cursor INTEGER PRIMARY KEY AUTOINCREMENT,
    shop TEXT NOT NULL,
    payment_id TEXT NOT NULL,
    status INTEGER NOT NULL,
    event BLOB NOT NULL);
  CREATE INDEX IF NOT EXISTS events_by_payment ON events (shop, payment_id, cursor);
  CREATE INDEX IF NOT EXISTS events_by_shop ON events (shop, cursor);
  CREATE INDEX IF NOT EXISTS events_by_status ON events (status, cursor);
  CREATE INDEX IF NOT EXISTS events_by_payment_id ON events (payment_id, cursor);
  CREATE TABLE IF NOT EXISTS watched (
    shop TEXT NOT NULL,
    payment_id TEXT NOT NULL,
    next_check_us INTEGER NOT NULL,
    interval_us INTEGER NOT NULL,
    PRIMARY KEY (shop, payment_id));
  CREATE INDEX IF NOT EXISTS watched_due ON watched (next_check_us);
  CREATE TABLE IF NOT EXISTS starts (
    shop TEXT NOT NULL,
    request_id TEXT NOT NULL,
    request BLOB NOT NULL,
    response BLOB,
    PRIMARY KEY (shop, request_id));
  CREATE TABLE IF NOT EXISTS store_info (
    key TEXT PRIMARY KEY,
    value INTEGER NOT NULL);
  CREATE TABLE IF NOT EXISTS payments (
    shop TEXT NOT NULL,
    payment_id TEXT NOT NULL,
    snapshot BLOB NOT NULL,
    PRIMARY KEY (shop, payment_id));
)sql";

absl::Status Error(sqlite3* db, absl::string_view what) {
  return absl::UnavailableError(absl::StrCat("event store: ", what, ": ", sqlite3_errmsg(db)));
}

}  // namespace

constexpr int kIdentityShift = 40;  // cursors: identity * 2^40 + sequence

absl::StatusOr<std::unique_ptr<SqliteEventStore>> SqliteEventStore::Open(const std::string& path) {
  // Created (or tightened) to 0600 before SQLite opens it: SQLite gives the -wal and -shm files
  // the database file's mode. The store holds payers' data and payment states.
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0 || ::fchmod(fd, 0600) != 0) {
    const std::string why = std::strerror(errno);
    if (fd >= 0) ::close(fd);
    return absl::UnavailableError(absl::StrCat("event store: cannot create ", path, ": ", why));
  }
  ::close(fd);
  // One store per file: a second gateway on the same data_dir would append events under the
  // same cursors. The lock is the kernel's, so a killed gateway leaves none behind.
  const int lock_fd = ::open((path + ".lock").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (lock_fd < 0) {
    return absl::UnavailableError(
        absl::StrCat("event store: cannot create ", path, ".lock: ", std::strerror(errno)));
  }
  if (::flock(lock_fd, LOCK_EX | LOCK_NB) != 0) {
    ::close(lock_fd);
    return absl::UnavailableError(absl::StrCat(
        "event store: ", path, " is locked by another store (a second gateway on this data_dir?)"));
  }
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
                      nullptr) != SQLITE_OK) {
    absl::Status s = absl::UnavailableError(
        absl::StrCat("event store: cannot open ", path, ": ", db ? sqlite3_errmsg(db) : "?"));
    sqlite3_close(db);
    ::close(lock_fd);
    return s;
  }
  sqlite3_busy_timeout(db, 5000);
  std::unique_ptr<SqliteEventStore> store(new SqliteEventStore(db, lock_fd));
  absl::MutexLock lock(&store->mu_);
  // WAL: readers (their own connections, see Reader) never block the writer, nor it them.
  // synchronous=FULL: a commit is on disk when it returns.
  for (const char* pragma :
       {"PRAGMA journal_mode=WAL", "PRAGMA synchronous=FULL", "PRAGMA foreign_keys=ON"}) {
    if (absl::Status s = store->ExecScript(pragma); !s.ok()) return s;
  }
  if (absl::Status s = store->ExecScript(kSchema); !s.ok()) return s;
  if (absl::Status s = store->Migrate(); !s.ok()) return s;
  if (absl::Status s = store->InitIdentity(); !s.ok()) return s;
  absl::StatusOr<std::unique_ptr<ReadThread>> reader = ReadThread::Open(path);
  if (!reader.ok()) return reader.status();
  store->reader_ = *std::move(reader);
  return store;
}

absl::Status SqliteEventStore::Migrate() {
  // callbacks.trace_id (the trace of an RPC-made change), added after the first release.
  {
    Statement st(
        db_,
        std::string("SELECT COUNT(*) FROM pragma_table_info('callbacks') WHERE name = 'trace_id'"));
    if (!st.ok() || st.Step() != SQLITE_ROW) return Error(db_, "read the schema");
    if (st.Int(0) != 0) return absl::OkStatus();
  }  // the statement is finished before the schema changes
  return ExecScript("ALTER TABLE callbacks ADD COLUMN trace_id TEXT NOT NULL DEFAULT ''");
}

absl::Status SqliteEventStore::InitIdentity() {
  {
    Statement read(statements_, "SELECT value FROM store_info WHERE key = 'identity'");
    if (!read.ok()) return Error(db_, "prepare");
    const int rc = read.Step();
    if (rc == SQLITE_ROW) {
      identity_ = read.Int(0);
      return absl::OkStatus();
    }
    if (rc != SQLITE_DONE) return Error(db_, "read the store's identity");
  }
  // A store from before identities that already has events keeps identity 0 (its cursors are
  // small numbers); a new one draws an identity and starts its cursors above identity * 2^40.
  int64_t events = 0;
  {
    Statement count(statements_, "SELECT COUNT(*) FROM events");
    if (!count.ok() || count.Step() != SQLITE_ROW) return Error(db_, "count events");
    events = count.Int(0);
  }
  if (events == 0) {
    std::random_device random;
    identity_ = 1 + static_cast<int64_t>(random() % ((int64_t{1} << 22) - 1));
  }
  if (absl::Status s = Exec("BEGIN IMMEDIATE"); !s.ok()) return s;
  Statement put(statements_, "INSERT INTO store_info (key, value) VALUES ('identity', ?1)");
  Statement seq(statements_,
                "INSERT INTO sqlite_sequence (name, seq) SELECT 'events', ?1 "
                "WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'events')");
  if (!put.ok() || !seq.ok()) {
    absl::Status e = Error(db_, "prepare");
    Exec("ROLLBACK").IgnoreError();  // nothing was written to keep
    return e;
  }
  put.Bind(1, identity_);
  seq.Bind(1, identity_ << kIdentityShift);
  if (put.Step() != SQLITE_DONE || (identity_ != 0 && seq.Step() != SQLITE_DONE)) {
    absl::Status e = Error(db_, "write the store's identity");
    Exec("ROLLBACK").IgnoreError();  // nothing was written to keep
    return e;
  }
  return Exec("COMMIT");
}

bool SqliteEventStore::Owns(const EventCursor& cursor) const {
  if (cursor.is_beginning()) return true;
  return cursor.high() == 0 && (cursor.low() >> kIdentityShift) == identity_;
}

SqliteEventStore::~SqliteEventStore() {
  reader_.reset();
  {
    absl::MutexLock lock(&mu_);
    statements_.Clear();  // a connection with statements left does not close
    sqlite3_close(db_);
  }
  ::close(lock_fd_);  // releases the flock
}

int SqliteEventStore::synchronous_level() {
  absl::MutexLock lock(&mu_);
  Statement st(db_, std::string("PRAGMA synchronous"));
  return st.ok() && st.Step() == SQLITE_ROW ? static_cast<int>(st.Int(0)) : -1;
}

int64_t SqliteEventStore::statement_prepares() {
  absl::MutexLock lock(&mu_);
  return statements_.prepares();
}

absl::Status SqliteEventStore::Exec(const char* sql) {
  Statement st(statements_, sql);
  int rc = st.ok() ? st.Step() : SQLITE_ERROR;
  while (rc == SQLITE_ROW) rc = st.Step();
  if (rc != SQLITE_DONE) {
    return absl::UnavailableError(absl::StrCat("event store: ", sqlite3_errmsg(db_)));
  }
  return absl::OkStatus();
}

absl::Status SqliteEventStore::ExecScript(const char* sql) {
  char* message = nullptr;
  if (sqlite3_exec(db_, sql, nullptr, nullptr, &message) != SQLITE_OK) {
    absl::Status s = absl::UnavailableError(
        absl::StrCat("event store: ", message != nullptr ? message : "exec failed"));
    sqlite3_free(message);
    return s;
  }
  return absl::OkStatus();
}

// Group commit: writers that arrive while a commit is running queue up; the next one to run
// applies every queued write in one transaction, so concurrent writers share one fsync. Each
// still returns only after its own write is committed (or the whole group failed).
absl::Status SqliteEventStore::GroupCommit(absl::FunctionRef<absl::Status()> apply) {
  GroupWrite mine{apply};
  std::vector<GroupWrite*> batch;
  {
    absl::MutexLock lock(&group_mu_);
    group_.push_back(&mine);
    auto can_go = [this, &mine]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(group_mu_) {
      return mine.done || !committing_;
    };
    group_mu_.Await(absl::Condition(&can_go));
    if (mine.done) return mine.result;
    committing_ = true;
    batch.swap(group_);
  }
  const absl::Status result = CommitGroup(batch);
  absl::MutexLock lock(&group_mu_);
  for (GroupWrite* w : batch) {
    w->result = result;
    w->done = true;
  }
  committing_ = false;
  return mine.result;
}

absl::Status SqliteEventStore::CommitGroup(const std::vector<GroupWrite*>& batch) {
  absl::MutexLock lock(&mu_);
  if (absl::Status s = Exec("BEGIN IMMEDIATE"); !s.ok()) return s;
  for (GroupWrite* w : batch) {
    if (absl::Status s = w->apply(); !s.ok()) {
      Exec("ROLLBACK").IgnoreError();  // nothing was written to keep
      return s;
    }
  }
  if (absl::Status s = Exec("COMMIT"); !s.ok()) {
    Exec("ROLLBACK").IgnoreError();  // nothing was written to keep
    return s;
  }
  ++group_commits_;
  return absl::OkStatus();
}

int64_t SqliteEventStore::group_commits() {
  absl::MutexLock lock(&mu_);
  return group_commits_;
}

absl::StatusOr<int64_t> SqliteEventStore::RecordCallback(const std::string& shop,
                                                         const std::string& payment_id,
                                                         absl::Time received_at,
                                                         v1::EventSource source,
                                                         const std::string& trace_id) {
  int64_t id = 0;
  absl::Status status = GroupCommit([&]() -> absl::Status {
    Statement st(statements_,
                 "INSERT INTO callbacks (shop, payment_id, received_at_us, source, trace_id) "
                 "VALUES (?1, ?2, ?3, ?4, ?5)");
    if (!st.ok()) return Error(db_, "prepare");
    st.Bind(1, shop);
    st.Bind(2, payment_id);
    st.Bind(3, absl::ToUnixMicros(received_at));
    st.Bind(4, static_cast<int64_t>(source));
    st.Bind(5, trace_id);
    if (st.Step() != SQLITE_DONE) return Error(db_, "record callback");
    id = sqlite3_last_insert_rowid(db_);
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return id;
}

absl::StatusOr<std::vector<PendingCallback>> SqliteEventStore::PendingCallbacks(int limit) {
  absl::MutexLock lock(&mu_);
  Statement st(statements_,
               "SELECT id, shop, payment_id, received_at_us, source, trace_id FROM callbacks "
               "WHERE done = 0 ORDER BY id LIMIT ?1");
  if (!st.ok()) return Error(db_, "prepare");
  st.Bind(1, static_cast<int64_t>(limit));
  std::vector<PendingCallback> out;
  int rc;
  while ((rc = st.Step()) == SQLITE_ROW) {
    out.push_back({st.Int(0), st.Text(1), st.Text(2), absl::FromUnixMicros(st.Int(3)),
                   static_cast<v1::EventSource>(st.Int(4)), st.Text(5)});
  }
  if (rc != SQLITE_DONE) return Error(db_, "read callbacks");
  return out;
}

absl::Status SqliteEventStore::CompleteCallbacks(const std::vector<int64_t>& ids) {
  if (ids.empty()) return absl::OkStatus();
  absl::MutexLock lock(&mu_);
  if (absl::Status s = Exec("BEGIN IMMEDIATE"); !s.ok()) return s;
  Statement st(statements_, "UPDATE callbacks SET done = 1 WHERE id = ?1");
  absl::Status result = st.ok() ? absl::OkStatus() : Error(db_, "prepare");
  for (size_t i = 0; result.ok() && i < ids.size(); ++i) {
    st.Reset();
    st.Bind(1, ids[i]);
    if (st.Step() != SQLITE_DONE) {
      result = Error(db_, "complete callback");
    } else if (sqlite3_changes(db_) == 0) {
      result = absl::NotFoundError(absl::StrCat("event store: no callback ", ids[i]));
    }
  }
  if (result.ok()) result = Exec("COMMIT");
  if (!result.ok()) Exec("ROLLBACK").IgnoreError();  // nothing was written to keep
  return result;
}

absl::StatusOr<int64_t> SqliteEventStore::PruneCallbacks(absl::Time before) {
  absl::MutexLock lock(&mu_);
  Statement st(statements_, "DELETE FROM callbacks WHERE done = 1 AND received_at_us < ?1");
  if (!st.ok()) return Error(db_, "prepare");
  st.Bind(1, absl::ToUnixMicros(before));
  if (st.Step() != SQLITE_DONE) return Error(db_, "prune callbacks");
  return static_cast<int64_t>(sqlite3_changes(db_));
}

absl::StatusOr<bool> SqliteEventStore::KnowsPayment(const std::string& shop,
                                                    const std::string& payment_id) {
  absl::MutexLock lock(&mu_);
  Statement st(statements_,
               "SELECT EXISTS (SELECT 1 FROM payments WHERE shop = ?1 AND payment_id = ?2) OR "
               "EXISTS (SELECT 1 FROM watched WHERE shop = ?1 AND payment_id = ?2)");
  if (!st.ok()) return Error(db_, "prepare");
  st.Bind(1, shop);
  st.Bind(2, payment_id);
  if (st.Step() != SQLITE_ROW) return Error(db_, "read payments");
  return st.Int(0) != 0;
}

absl::StatusOr<PipelineBacklog> SqliteEventStore::Backlog() {
  absl::MutexLock lock(&mu_);
  PipelineBacklog backlog;
  // The oldest receipt is the pending one with the lowest id (ids grow with arrival).
  Statement st(statements_,
               "SELECT (SELECT COUNT(*) FROM callbacks WHERE done = 0), "
               "(SELECT received_at_us FROM callbacks WHERE done = 0 ORDER BY id LIMIT 1), "
               "(SELECT COUNT(*) FROM watched), (SELECT MIN(next_check_us) FROM watched)");
  if (!st.ok()) return Error(db_, "prepare");
  if (st.Step() != SQLITE_ROW) return Error(db_, "read backlog");
  backlog.inbox = st.Int(0);
  if (!st.IsNull(1)) backlog.oldest_receipt = absl::FromUnixMicros(st.Int(1));
  backlog.watched = st.Int(2);
  if (!st.IsNull(3)) backlog.earliest_check = absl::FromUnixMicros(st.Int(3));
  return backlog;
}

void SqliteEventStore::SetObserver(EventLogObserver* observer) {
  absl::MutexLock lock(&append_mu_);
  observer_ = observer;
}

absl::StatusOr<std::optional<v1::PaymentEvent>> SqliteEventStore::AppendIfChanged(
    v1::PaymentEvent event) {
  absl::MutexLock lock(&append_mu_);
  EventCursor cursor;
  absl::StatusOr<std::optional<v1::PaymentEvent>> appended = Append(std::move(event), &cursor);
  if (observer_ != nullptr && appended.ok() && appended->has_value()) {
    observer_->EventAppended(cursor, **appended);
  }
  return appended;
}

absl::StatusOr<std::optional<v1::PaymentEvent>> SqliteEventStore::Append(v1::PaymentEvent event,
                                                                         EventCursor* cursor) {
  if (event.shop().empty() || event.payment_id().empty() || !event.has_snapshot()) {
    return absl::InvalidArgumentError("event store: an event needs shop, payment id and snapshot");
  }
  const std::string snapshot = event.snapshot().SerializeAsString();
  absl::MutexLock lock(&mu_);
  // IMMEDIATE: take the write lock before reading the last snapshot, so that two appends for
  // one payment (even from two processes sharing the file) cannot both see the same "last".
  if (absl::Status s = Exec("BEGIN IMMEDIATE"); !s.ok()) return s;
  auto fail = [this](absl::string_view what) {
    absl::Status s = Error(db_, what);
    Exec("ROLLBACK").IgnoreError();  // nothing was written to keep
    return s;
  };
  {
    Statement last(statements_,
                   "SELECT snapshot FROM payments WHERE shop = ?1 AND payment_id = ?2");
    if (!last.ok()) return fail("prepare");
    last.Bind(1, event.shop());
    last.Bind(2, event.payment_id());
    const int rc = last.Step();
    if (rc == SQLITE_ROW) {
      const std::string previous = last.Text(0);
      if (previous == snapshot) {
        Exec("ROLLBACK").IgnoreError();  // nothing was written to keep
        return std::optional<v1::PaymentEvent>();
      }
      v1::GetPaymentStateResponse before;
      if (before.ParseFromString(previous)) {
        event.set_previous_status(before.status());
        event.set_previous_status_raw(before.status_raw());
      }
    } else if (rc != SQLITE_DONE) {
      return fail("read last snapshot");
    }
  }
  event.clear_cursor();
  {
    Statement insert(
        statements_,
        "INSERT INTO events (shop, payment_id, status, event) VALUES (?1, ?2, ?3, ?4)");
    if (!insert.ok()) return fail("prepare");
    insert.Bind(1, event.shop());
    insert.Bind(2, event.payment_id());
    insert.Bind(3, static_cast<int64_t>(event.snapshot().status()));
    insert.BindBlob(4, event.SerializeAsString());
    if (insert.Step() != SQLITE_DONE) return fail("append event");
  }
  const int64_t position = sqlite3_last_insert_rowid(db_);
  {
    Statement upsert(statements_,
                     "INSERT INTO payments (shop, payment_id, snapshot) VALUES (?1, ?2, ?3) "
                     "ON CONFLICT (shop, payment_id) DO UPDATE SET snapshot = excluded.snapshot");
    if (!upsert.ok()) return fail("prepare");
    upsert.Bind(1, event.shop());
    upsert.Bind(2, event.payment_id());
    upsert.BindBlob(3, snapshot);
    if (upsert.Step() != SQLITE_DONE) return fail("store snapshot");
  }
  if (absl::Status s = Exec("COMMIT"); !s.ok()) {
    Exec("ROLLBACK").IgnoreError();  // nothing was written to keep
    return s;
  }
  *cursor = EventCursor::At(0, position);
  event.set_cursor(cursor->ToText());
  return std::optional<v1::PaymentEvent>(std::move(event));
}

absl::StatusOr<std::vector<v1::PaymentEvent>> SqliteEventStore::ReadAfter(const EventCursor& after,
                                                                          const EventFilter& filter,
                                                                          int limit) {
  if (!Owns(after)) {
    return absl::InvalidArgumentError("event store: a cursor of another event store");
  }
  const int64_t after_cursor = after.low();
  // Placeholders only: every value is bound, never spliced into the SQL text.
  std::string sql = "SELECT cursor, event FROM events WHERE cursor > ?1";
  int next = 2;
  auto in_list = [&](absl::string_view column, size_t n) {
    std::vector<std::string> marks;
    for (size_t i = 0; i < n; ++i) marks.push_back(absl::StrCat("?", next++));
    absl::StrAppend(&sql, " AND ", column, " IN (", absl::StrJoin(marks, ","), ")");
  };
  if (!filter.shops.empty()) in_list("shop", filter.shops.size());
  if (!filter.payment_ids.empty()) in_list("payment_id", filter.payment_ids.size());
  if (!filter.statuses.empty()) in_list("status", filter.statuses.size());
  absl::StrAppend(&sql, " ORDER BY cursor LIMIT ?", next);

  absl::StatusOr<std::vector<v1::PaymentEvent>> result;
  reader_->Run([&](sqlite3* db) {
    Statement st(db, sql);  // built per filter: not cached
    if (!st.ok()) {
      result = Error(db, "prepare");
      return;
    }
    int i = 1;
    st.Bind(i++, after_cursor);
    for (const std::string& shop : filter.shops) st.Bind(i++, shop);
    for (const std::string& id : filter.payment_ids) st.Bind(i++, id);
    for (v1::PaymentStatus status : filter.statuses) st.Bind(i++, static_cast<int64_t>(status));
    st.Bind(i, static_cast<int64_t>(limit));
    std::vector<v1::PaymentEvent> out;
    int rc;
    while ((rc = st.Step()) == SQLITE_ROW) {
      v1::PaymentEvent event;
      if (!event.ParseFromString(st.Text(1))) {
        result = absl::DataLossError(absl::StrCat("event store: event ", st.Int(0), " is corrupt"));
        return;
      }
      event.set_cursor(EventCursor::At(0, st.Int(0)).ToText());
      out.push_back(std::move(event));
    }
    if (rc != SQLITE_DONE) {
      result = Error(db, "read events");
      return;
    }
    result = std::move(out);
  });
  return result;
}

absl::StatusOr<EventCursor> SqliteEventStore::LastCursor() {
  absl::MutexLock lock(&mu_);
  Statement st(statements_, "SELECT COALESCE(MAX(cursor), 0) FROM events");
  if (!st.ok() || st.Step() != SQLITE_ROW) return Error(db_, "read last cursor");
  return EventCursor::At(0, st.Int(0));
}

absl::StatusOr<EventCursor> SqliteEventStore::LastCursorOf(const std::vector<std::string>& shops,
                                                           const EventCursor& at_most) {
  // One indexed look-up per shop (events_by_shop), the newest of them wins.
  int64_t newest = 0;
  absl::Status status;
  reader_->Run([&](sqlite3* db) {
    for (const std::string& shop : shops) {
      Statement st(db,
                   "SELECT COALESCE(MAX(cursor), 0) FROM events WHERE shop = ?1 AND cursor <= ?2");
      if (!st.ok()) {
        status = Error(db, "prepare");
        return;
      }
      st.Bind(1, shop);
      st.Bind(2, at_most.low());
      if (st.Step() != SQLITE_ROW) {
        status = Error(db, "read a shop's last cursor");
        return;
      }
      newest = std::max(newest, st.Int(0));
    }
  });
  if (!status.ok()) return status;
  return EventCursor::At(0, newest);
}

// Writes that need not wait for the disk: they survive a crash of the gateway (WAL), and a power
// loss that drops one is safe. A dropped start completion or release leaves the claim pending,
// so a retry is refused (ABORTED) rather than repeated; a dropped watch only means the reconciler
// does not poll that payment (its callbacks still count). Claims, callbacks and events are
// synced on commit.
class SqliteEventStore::RelaxedSync {
 public:
  explicit RelaxedSync(SqliteEventStore* store) : store_(store) {
    store_->Exec("PRAGMA synchronous=NORMAL").IgnoreError();
  }
  ~RelaxedSync() { store_->Exec("PRAGMA synchronous=FULL").IgnoreError(); }

 private:
  SqliteEventStore* store_;
};

absl::Status SqliteEventStore::WatchPayment(const std::string& shop, const std::string& payment_id,
                                            absl::Time first_check, absl::Duration interval) {
  absl::MutexLock lock(&mu_);
  RelaxedSync relaxed(this);
  Statement st(statements_,
               "INSERT INTO watched (shop, payment_id, next_check_us, interval_us) "
               "VALUES (?1, ?2, ?3, ?4) ON CONFLICT (shop, payment_id) DO NOTHING");
  if (!st.ok()) return Error(db_, "prepare");
  st.Bind(1, shop);
  st.Bind(2, payment_id);
  st.Bind(3, absl::ToUnixMicros(first_check));
  st.Bind(4, absl::ToInt64Microseconds(interval));
  if (st.Step() != SQLITE_DONE) return Error(db_, "watch payment");
  return absl::OkStatus();
}

absl::StatusOr<std::vector<WatchedPayment>> SqliteEventStore::DueWatchedPayments(absl::Time now,
                                                                                 int limit) {
  absl::MutexLock lock(&mu_);
  Statement st(statements_,
               "SELECT shop, payment_id, next_check_us, interval_us FROM watched "
               "WHERE next_check_us <= ?1 ORDER BY next_check_us LIMIT ?2");
  if (!st.ok()) return Error(db_, "prepare");
  st.Bind(1, absl::ToUnixMicros(now));
  st.Bind(2, static_cast<int64_t>(limit));
  std::vector<WatchedPayment> out;
  int rc;
  while ((rc = st.Step()) == SQLITE_ROW) {
    out.push_back(
        {st.Text(0), st.Text(1), absl::FromUnixMicros(st.Int(2)), absl::Microseconds(st.Int(3))});
  }
  if (rc != SQLITE_DONE) return Error(db_, "read watched payments");
  return out;
}

absl::Status SqliteEventStore::RescheduleWatch(const std::string& shop,
                                               const std::string& payment_id, absl::Time next_check,
                                               absl::Duration interval) {
  absl::MutexLock lock(&mu_);
  Statement st(statements_,
               "UPDATE watched SET next_check_us = ?3, interval_us = ?4 "
               "WHERE shop = ?1 AND payment_id = ?2");
  if (!st.ok()) return Error(db_, "prepare");
  st.Bind(1, shop);
  st.Bind(2, payment_id);
  st.Bind(3, absl::ToUnixMicros(next_check));
  st.Bind(4, absl::ToInt64Microseconds(interval));
  if (st.Step() != SQLITE_DONE) return Error(db_, "reschedule");
  if (sqlite3_changes(db_) == 0) {
    return absl::NotFoundError(absl::StrCat("event store: ", payment_id, " is not watched"));
  }
  return absl::OkStatus();
}

absl::Status SqliteEventStore::UnwatchPayment(const std::string& shop,
                                              const std::string& payment_id) {
  absl::MutexLock lock(&mu_);
  Statement st(statements_, "DELETE FROM watched WHERE shop = ?1 AND payment_id = ?2");
  if (!st.ok()) return Error(db_, "prepare");
  st.Bind(1, shop);
  st.Bind(2, payment_id);
  if (st.Step() != SQLITE_DONE) return Error(db_, "unwatch");
  return absl::OkStatus();
}

// A claim is durable before Barion is called: it is committed with synchronous=FULL, in a group
// commit shared with the claims and receipts of other threads.
absl::StatusOr<StartLedger::ClaimResult> SqliteEventStore::ClaimStart(const std::string& shop,
                                                                      const std::string& request_id,
                                                                      const std::string& request) {
  ClaimResult result;
  absl::Status status = GroupCommit([&]() -> absl::Status {
    {
      Statement find(statements_,
                     "SELECT request, response FROM starts WHERE shop = ?1 AND request_id = ?2");
      if (!find.ok()) return Error(db_, "prepare");
      find.Bind(1, shop);
      find.Bind(2, request_id);
      const int rc = find.Step();
      if (rc == SQLITE_ROW) {
        if (find.Text(0) != request) {
          result.claim = Claim::kConflict;
        } else if (!find.IsNull(1)) {
          result.claim = Claim::kDone;
          result.response = find.Text(1);
        } else {
          result.claim = Claim::kPending;
        }
        return absl::OkStatus();
      }
      if (rc != SQLITE_DONE) return Error(db_, "read starts");
    }
    Statement insert(statements_,
                     "INSERT INTO starts (shop, request_id, request) VALUES (?1, ?2, ?3)");
    if (!insert.ok()) return Error(db_, "prepare");
    insert.Bind(1, shop);
    insert.Bind(2, request_id);
    insert.BindBlob(3, request);
    if (insert.Step() != SQLITE_DONE) return Error(db_, "claim start");
    result.claim = Claim::kNew;
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return result;
}

absl::Status SqliteEventStore::CompleteStart(const std::string& shop, const std::string& request_id,
                                             const std::string& response) {
  absl::MutexLock lock(&mu_);
  RelaxedSync relaxed(this);
  Statement st(statements_, "UPDATE starts SET response = ?3 WHERE shop = ?1 AND request_id = ?2");
  if (!st.ok()) return Error(db_, "prepare");
  st.Bind(1, shop);
  st.Bind(2, request_id);
  st.BindBlob(3, response);
  if (st.Step() != SQLITE_DONE) return Error(db_, "complete start");
  return absl::OkStatus();
}

absl::Status SqliteEventStore::ReleaseStart(const std::string& shop,
                                            const std::string& request_id) {
  absl::MutexLock lock(&mu_);
  RelaxedSync relaxed(this);
  Statement st(statements_,
               "DELETE FROM starts WHERE shop = ?1 AND request_id = ?2 AND response IS NULL");
  if (!st.ok()) return Error(db_, "prepare");
  st.Bind(1, shop);
  st.Bind(2, request_id);
  if (st.Step() != SQLITE_DONE) return Error(db_, "release start");
  return absl::OkStatus();
}

}  // namespace barion_gateway::server
