// PgEventStore: the callback inbox, event log, reconcile schedule and start ledger in one
// PostgreSQL database that several gateway replicas share (docs/SCALING.md).
//
// What sharing changes, against the one-process SqliteEventStore:
//   - Cursors are (transaction id, sequence) read only behind the snapshot horizon
//     (event_log_sql.h), so a reader never skips an event another replica commits late. Appends
//     for one payment are serialised by a transaction-scoped advisory lock taken before the
//     transaction has an id, so a payment's later event always has the later cursor.
//   - The observer of appends (the hub) is told of every replica's appends, in cursor order, by
//     a follower thread: it re-reads the log after its cursor when an append is announced on a
//     LISTEN/NOTIFY channel (this replica's own appends wake it directly) and on a timer, so a
//     lost notification or a reconnect costs latency, never an event. While the log cannot be
//     read the observer is told once (LogUnavailable).
//   - PendingCallbacks claims the receipts it returns for `claim_lease` in the name of `owner`:
//     other replicas skip them (FOR UPDATE SKIP LOCKED) until the lease ends, and the owner's
//     next call renews it. A payment's receipts are claimed by one owner at a time, so two
//     replicas never fetch and record one payment at once. A replica that dies leaves its claims
//     to the others after the lease. DueWatchedPayments claims the same way (the check moves to
//     now + reconcile_lease until the reconciler reschedules it).
//   - Every statement runs on a pooled connection; a connection found broken is replaced and the
//     statement tried once more, so the store reconnects by itself after an outage. While the
//     database is down calls fail with UNAVAILABLE.
// Durable when a call returns OK (synchronous_commit as the server has it: on by default).
#ifndef BARION_GATEWAY_SERVER_EVENTS_POSTGRES_PG_EVENT_STORE_H_
#define BARION_GATEWAY_SERVER_EVENTS_POSTGRES_PG_EVENT_STORE_H_

#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "server/events/event_store.h"
#include "server/events/log_follower.h"
#include "server/events/postgres/pg_pool.h"
#include "server/events/start_ledger.h"

namespace barion_gateway::server::postgres {

class PgEventStore final : public EventStore, public StartLedger {
 public:
  struct Options {
    PgPool::Options pool;
    // This replica's name in claims; unique among the replicas (the gateway draws one per
    // process).
    std::string owner;
    absl::Duration claim_lease = absl::Seconds(30);
    absl::Duration reconcile_lease = absl::Minutes(5);
    // How often the follower reads the log without a notification.
    absl::Duration follow_poll = absl::Seconds(1);
  };

  // Connects, applies the schema migrations (under a lock: replicas starting at once migrate
  // once) and reads the store's identity. UNAVAILABLE when the database cannot be reached;
  // FAILED_PRECONDITION when a newer gateway migrated it.
  static absl::StatusOr<std::unique_ptr<PgEventStore>> Open(Options options);
  ~PgEventStore() override;

  absl::StatusOr<int64_t> RecordCallback(
      const std::string& shop, const std::string& payment_id, absl::Time received_at,
      barion::v1::EventSource source = barion::v1::EVENT_SOURCE_CALLBACK,
      const std::string& trace_id = "") override;
  absl::StatusOr<std::vector<PendingCallback>> PendingCallbacks(int limit) override;
  absl::Status CompleteCallbacks(const std::vector<int64_t>& ids) override;
  absl::StatusOr<int64_t> PruneCallbacks(absl::Time before) override;
  absl::StatusOr<bool> KnowsPayment(const std::string& shop,
                                    const std::string& payment_id) override;
  // Starts the follower (from the newest visible event) on the first observer.
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

  // The store's identity (1 to 2^22-1): every cursor is (tx, identity * 2^40 + sequence).
  int64_t identity() const { return identity_; }
  // Its connections, for the stores that share its database (PgWebhookStore).
  PgPool* pool() { return &pool_; }

 private:
  explicit PgEventStore(Options options);
  // Runs `work` on a pooled connection; once more on a fresh one when the first was broken.
  absl::Status WithConnection(const std::function<absl::Status(PgConnection&)>& work);
  // One statement through WithConnection: its rows.
  absl::StatusOr<PgRows> Query(absl::string_view sql, const std::vector<std::string>& params = {});
  absl::StatusOr<std::optional<barion::v1::PaymentEvent>> Append(PgConnection& conn,
                                                                 barion::v1::PaymentEvent event,
                                                                 EventCursor* cursor);
  // The LISTEN connection's loop: wakes the follower on every announced append.
  void ListenLoop();

  const Options options_;
  PgPool pool_;
  int64_t identity_ = 0;
  std::unique_ptr<LogFollower> follower_;  // set once by SetObserver

  absl::Mutex mu_;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::thread listener_;
};

}  // namespace barion_gateway::server::postgres

#endif  // BARION_GATEWAY_SERVER_EVENTS_POSTGRES_PG_EVENT_STORE_H_
