// SqliteEventStore: the callback inbox, event log, reconcile schedule and start ledger in one
// embedded SQLite database (WAL journal, synchronous=FULL,
// so a committed append or callback receipt survives a crash of the process or the machine).
// The database file (and with it SQLite's -wal and -shm files) is created mode 0600.
// One writing connection serialised by a mutex (SQLite allows one writer at a time anyway, and
// the gateway's event rate is Barion's callback rate), and a read-only connection for the log's
// reads (ListPaymentEvents, stream catch-up) on a low-priority thread (ReadThread), which WAL
// lets run beside the writer: a read never holds up a payment's or a callback's write. A lock file
// (path + ".lock", flock) keeps a second store off the same file.
#ifndef BARION_GATEWAY_SERVER_EVENTS_SQLITE_SQLITE_EVENT_STORE_H_
#define BARION_GATEWAY_SERVER_EVENTS_SQLITE_SQLITE_EVENT_STORE_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/functional/function_ref.h"
#include "absl/synchronization/mutex.h"
#include "server/events/event_store.h"
#include "server/events/sqlite/read_thread.h"
#include "server/events/sqlite/statement.h"
#include "server/events/start_ledger.h"

struct sqlite3;

namespace barion_gateway::server {

class SqliteEventStore final : public EventStore, public StartLedger {
 public:
  // Opens (creating if needed) the database file at `path` and its schema.
  // UNAVAILABLE when the file cannot be opened or written.
  static absl::StatusOr<std::unique_ptr<SqliteEventStore>> Open(const std::string& path);

  ~SqliteEventStore() override;

  absl::StatusOr<int64_t> RecordCallback(
      const std::string& shop, const std::string& payment_id, absl::Time received_at,
      barion::v1::EventSource source = barion::v1::EVENT_SOURCE_CALLBACK,
      const std::string& trace_id = "") override;
  absl::StatusOr<std::vector<PendingCallback>> PendingCallbacks(int limit) override;
  absl::Status CompleteCallbacks(const std::vector<int64_t>& ids) override;
  absl::StatusOr<int64_t> PruneCallbacks(absl::Time before) override;
  absl::StatusOr<bool> KnowsPayment(const std::string& shop,
                                    const std::string& payment_id) override;
  void SetObserver(EventLogObserver* observer) override;
  absl::StatusOr<std::optional<barion::v1::PaymentEvent>> AppendIfChanged(
      barion::v1::PaymentEvent event) override;
  absl::StatusOr<std::vector<barion::v1::PaymentEvent>> ReadAfter(const EventCursor& after,
                                                                  const EventFilter& filter,
                                                                  int limit) override;
  absl::StatusOr<EventCursor> LastCursor() override;
  absl::StatusOr<EventCursor> LastCursorOf(const std::vector<std::string>& shops,
                                           const EventCursor& at_most) override;
  bool Owns(const EventCursor& cursor) const override;
  absl::StatusOr<PipelineBacklog> Backlog() override;
  // The store's identity: a number drawn when the store was created, 1 to 2^22-1 (0 for a store
  // created before stores had one). Every cursor is (0, identity * 2^40 + its event's sequence).
  int64_t identity() const { return identity_; }
  absl::Status WatchPayment(const std::string& shop, const std::string& payment_id,
                            absl::Time first_check, absl::Duration interval) override;
  absl::StatusOr<std::vector<WatchedPayment>> DueWatchedPayments(absl::Time now,
                                                                 int limit) override;
  absl::Status RescheduleWatch(const std::string& shop, const std::string& payment_id,
                               absl::Time next_check, absl::Duration interval) override;
  absl::Status UnwatchPayment(const std::string& shop, const std::string& payment_id) override;

  absl::StatusOr<ClaimResult> ClaimStart(const std::string& shop, const std::string& request_id,
                                         const std::string& request) override;
  absl::Status CompleteStart(const std::string& shop, const std::string& request_id,
                             const std::string& response) override;
  absl::Status ReleaseStart(const std::string& shop, const std::string& request_id) override;

  // How many times the store has prepared a statement: once per SQL text, not per call, since
  // statements are cached (tests count it; ReadAfter's SQL built per filter is not counted).
  int64_t statement_prepares() ABSL_LOCKS_EXCLUDED(mu_);
  // How many group commits have committed (tests: concurrent writers share them).
  int64_t group_commits() ABSL_LOCKS_EXCLUDED(mu_);
  // The writing connection's PRAGMA synchronous (2: FULL), for tests: a write relaxed to NORMAL
  // for a row whose loss costs nothing must leave it at FULL for the next.
  int synchronous_level() ABSL_LOCKS_EXCLUDED(mu_);

 private:
  // A write waiting for the group commit that applies it.
  struct GroupWrite {
    absl::FunctionRef<absl::Status()> apply;
    absl::Status result;
    bool done = false;
  };

  class RelaxedSync;
  SqliteEventStore(sqlite3* db, int lock_fd) : lock_fd_(lock_fd), db_(db), statements_(db) {}

  // Reads the store's identity, drawing one for a new store. mu_ held.
  absl::Status InitIdentity() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Runs one statement of SQL text that does not change (cached: parsed once). mu_ held.
  absl::Status Exec(const char* sql) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Runs statements once (the schema, set-up pragmas; not cached). mu_ held.
  absl::Status ExecScript(const char* sql) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Adds what later versions added to a store made by an earlier one. mu_ held.
  absl::Status Migrate() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // AppendIfChanged's transaction; append_mu_ held. `cursor` receives the appended event's.
  absl::StatusOr<std::optional<barion::v1::PaymentEvent>> Append(barion::v1::PaymentEvent event,
                                                                 EventCursor* cursor)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(append_mu_);
  // Runs `apply` (statements, under mu_, in a transaction it must not end) in a durable commit
  // shared with the writes that other threads queue meanwhile; returns once that commit is
  // done. A group is all or none: when one write or the commit fails, every write of the group
  // gets the error and nothing of it is kept.
  absl::Status GroupCommit(absl::FunctionRef<absl::Status()> apply) ABSL_LOCKS_EXCLUDED(mu_);
  // One group's transaction.
  absl::Status CommitGroup(const std::vector<GroupWrite*>& batch) ABSL_LOCKS_EXCLUDED(mu_);

  // Serializes appends with the observer's calls, so it sees them in cursor order. Taken
  // before mu_, never while holding it.
  absl::Mutex append_mu_;
  EventLogObserver* observer_ ABSL_GUARDED_BY(append_mu_) = nullptr;

  // flock'd for the store's lifetime: a second store on the same file (a second gateway on the
  // same data_dir) is refused.
  const int lock_fd_;
  // The log's reads (ReadAfter, LastCursorOf), off mu_ and at low priority; set by Open.
  std::unique_ptr<ReadThread> reader_;

  absl::Mutex mu_;
  sqlite3* db_ ABSL_GUARDED_BY(mu_);
  StatementCache statements_ ABSL_GUARDED_BY(mu_);
  int64_t group_commits_ ABSL_GUARDED_BY(mu_) = 0;
  int64_t identity_ = 0;  // set once in Open

  absl::Mutex group_mu_;  // never held with mu_
  std::vector<GroupWrite*> group_ ABSL_GUARDED_BY(group_mu_);
  bool committing_ ABSL_GUARDED_BY(group_mu_) = false;
};

}  // namespace barion_gateway::server

#endif  // BARION_GATEWAY_SERVER_EVENTS_SQLITE_SQLITE_EVENT_STORE_H_
