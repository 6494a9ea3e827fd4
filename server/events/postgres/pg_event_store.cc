#include "server/events/postgres/pg_event_store.h"

#include <algorithm>
#include <set>
#include <utility>

#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "server/common/log.h"
#include "server/common/thread_name.h"
#include "server/events/postgres/event_log_sql.h"
#include "server/events/postgres/migrations.h"
#include "server/events/postgres/stores_sql.h"

namespace barion_gateway::server::postgres {
namespace {

namespace v1 = ::barion::v1;

constexpr int kIdentityShift = 40;  // cursors: (tx, identity * 2^40 + sequence)
// Serialises claiming receipts across replicas (a transaction-scoped advisory lock; the one-key
// form, apart from the per-payment locks' two-key form).
constexpr char kClaimLock[] = "SELECT pg_advisory_xact_lock(7351402918237002)";

std::string Micros(absl::Time t) { return absl::StrCat(absl::ToUnixMicros(t)); }
std::string Micros(absl::Duration d) { return absl::StrCat(absl::ToInt64Microseconds(d)); }

std::string Bytea(const std::string& bytes) { return PgBytea(bytes); }
bool FromBytea(const std::string& text, std::string* bytes) { return PgFromBytea(text, bytes); }

int64_t Int(const std::string& text) {
  int64_t value = 0;
  return absl::SimpleAtoi(text, &value) ? value : 0;
}

absl::StatusOr<EventCursor> CursorOf(const std::string& tx, const std::string& id) {
  int64_t high = 0, low = 0;
  if (!absl::SimpleAtoi(tx, &high) || !absl::SimpleAtoi(id, &low) || high <= 0 || low < 0) {
    return absl::DataLossError(absl::StrCat("event store: unreadable cursor (", tx, ", ", id, ")"));
  }
  return EventCursor::At(high, low);
}

// Runs `work` between BEGIN and COMMIT (ROLLBACK when it fails).
absl::Status InTransaction(PgConnection& conn, const std::function<absl::Status()>& work) {
  if (absl::Status s = conn.ExecScript("BEGIN"); !s.ok()) return s;
  absl::Status s = work();
  if (s.ok()) s = conn.ExecScript("COMMIT");
  if (!s.ok()) conn.ExecScript("ROLLBACK").IgnoreError();  // nothing was written to keep
  return s;
}

}  // namespace

PgEventStore::PgEventStore(Options options) : options_(std::move(options)), pool_(options_.pool) {}

absl::StatusOr<std::unique_ptr<PgEventStore>> PgEventStore::Open(Options options) {
  std::unique_ptr<PgEventStore> store(new PgEventStore(std::move(options)));
  absl::Status s = store->WithConnection([&](PgConnection& conn) -> absl::Status {
    absl::StatusOr<int> version = Migrate(conn, StoreMigrations());
    if (!version.ok()) return version.status();
    absl::StatusOr<PgRows> rows = conn.Exec("SELECT value FROM store_info WHERE key = 'identity'");
    if (!rows.ok()) return rows.status();
    if (rows->empty()) return absl::DataLossError("event store: the store has no identity");
    store->identity_ = Int((*rows)[0][0]);
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return store;
}

PgEventStore::~PgEventStore() { SetObserver(nullptr); }

absl::Status PgEventStore::WithConnection(const std::function<absl::Status(PgConnection&)>& work) {
  return pool_.WithConnection(work);
}

absl::StatusOr<PgRows> PgEventStore::Query(absl::string_view sql,
                                           const std::vector<std::string>& params) {
  return pool_.Query(sql, params);
}

// --- The callback inbox ---

absl::StatusOr<int64_t> PgEventStore::RecordCallback(const std::string& shop,
                                                     const std::string& payment_id,
                                                     absl::Time received_at, v1::EventSource source,
                                                     const std::string& trace_id) {
  absl::StatusOr<PgRows> rows = Query(
      "INSERT INTO callbacks (shop, payment_id, received_at_us, source, trace_id) "
      "VALUES ($1, $2, $3, $4, $5) RETURNING id",
      {shop, payment_id, Micros(received_at), absl::StrCat(static_cast<int>(source)), trace_id});
  if (!rows.ok()) return rows.status();
  return Int((*rows)[0][0]);
}

absl::StatusOr<std::vector<PendingCallback>> PgEventStore::PendingCallbacks(int limit) {
  std::vector<PendingCallback> out;
  absl::Status s = WithConnection([&](PgConnection& conn) {
    out.clear();
    return InTransaction(conn, [&]() -> absl::Status {
      // One claimer at a time: a payment's receipts are then claimed by one owner only, which
      // the NOT EXISTS below could not promise with two claims running at once.
      if (absl::Status s = conn.Exec(kClaimLock).status(); !s.ok()) return s;
      absl::StatusOr<PgRows> rows = conn.Exec(
          "WITH mine AS ("
          "  SELECT c.id FROM callbacks c"
          "  WHERE NOT c.done AND (c.claimed_by = $1 OR c.claimed_until < now())"
          "  AND NOT EXISTS (SELECT 1 FROM callbacks o WHERE NOT o.done AND o.shop = c.shop"
          "    AND o.payment_id = c.payment_id AND o.claimed_by <> $1"
          "    AND o.claimed_until >= now())"
          "  ORDER BY c.id LIMIT $3::int FOR UPDATE OF c SKIP LOCKED) "
          "UPDATE callbacks SET claimed_by = $1,"
          "  claimed_until = now() + $2::bigint * interval '1 microsecond' "
          "FROM mine WHERE callbacks.id = mine.id "
          "RETURNING callbacks.id, shop, payment_id, received_at_us, source, trace_id",
          {options_.owner, Micros(options_.claim_lease), absl::StrCat(limit)});
      if (!rows.ok()) return rows.status();
      for (const std::vector<std::string>& row : *rows) {
        PendingCallback p;
        p.id = Int(row[0]);
        p.shop = row[1];
        p.payment_id = row[2];
        p.received_at = absl::FromUnixMicros(Int(row[3]));
        p.source = static_cast<v1::EventSource>(Int(row[4]));
        p.trace_id = row[5];
        out.push_back(std::move(p));
      }
      return absl::OkStatus();
    });
  });
  if (!s.ok()) return s;
  std::sort(out.begin(), out.end(),
            [](const PendingCallback& a, const PendingCallback& b) { return a.id < b.id; });
  return out;
}

absl::Status PgEventStore::CompleteCallbacks(const std::vector<int64_t>& ids) {
  if (ids.empty()) return absl::OkStatus();
  const std::set<int64_t> distinct(ids.begin(), ids.end());
  // All or none: nothing is marked unless every id exists. (PostgreSQL runs a data-modifying
  // WITH whether or not the query reads it.)
  absl::StatusOr<PgRows> rows = Query(
      "WITH wanted AS (SELECT id FROM callbacks WHERE id = ANY($1::bigint[]) FOR UPDATE), "
      "marked AS (UPDATE callbacks SET done = true FROM wanted "
      "  WHERE callbacks.id = wanted.id AND (SELECT count(*) FROM wanted) = $2::bigint) "
      "SELECT count(*) FROM wanted",
      {absl::StrCat("{", absl::StrJoin(distinct, ","), "}"), absl::StrCat(distinct.size())});
  if (!rows.ok()) return rows.status();
  if (Int((*rows)[0][0]) != static_cast<int64_t>(distinct.size())) {
    return absl::NotFoundError("event store: an unknown callback id; none marked");
  }
  return absl::OkStatus();
}

absl::StatusOr<int64_t> PgEventStore::PruneCallbacks(absl::Time before) {
  absl::StatusOr<PgRows> rows = Query(
      "WITH gone AS (DELETE FROM callbacks WHERE done AND received_at_us < $1 RETURNING 1) "
      "SELECT count(*) FROM gone",
      {Micros(before)});
  if (!rows.ok()) return rows.status();
  return Int((*rows)[0][0]);
}

absl::StatusOr<bool> PgEventStore::KnowsPayment(const std::string& shop,
                                                const std::string& payment_id) {
  absl::StatusOr<PgRows> rows = Query(
      "SELECT EXISTS (SELECT 1 FROM payments WHERE shop = $1 AND payment_id = $2) OR "
      "EXISTS (SELECT 1 FROM watched WHERE shop = $1 AND payment_id = $2)",
      {shop, payment_id});
  if (!rows.ok()) return rows.status();
  return (*rows)[0][0] == "t";
}

absl::StatusOr<PipelineBacklog> PgEventStore::Backlog() {
  absl::StatusOr<PgRows> rows = Query(
      "SELECT (SELECT count(*) FROM callbacks WHERE NOT done), "
      "(SELECT received_at_us FROM callbacks WHERE NOT done ORDER BY id LIMIT 1), "
      "(SELECT count(*) FROM watched), (SELECT min(next_check_us) FROM watched)");
  if (!rows.ok()) return rows.status();
  const std::vector<std::string>& row = (*rows)[0];
  PipelineBacklog backlog;
  backlog.inbox = Int(row[0]);
  if (!row[1].empty()) backlog.oldest_receipt = absl::FromUnixMicros(Int(row[1]));
  backlog.watched = Int(row[2]);
  if (!row[3].empty()) backlog.earliest_check = absl::FromUnixMicros(Int(row[3]));
  return backlog;
}

// --- The event log ---

void PgEventStore::SetObserver(EventLogObserver* observer) {
  std::unique_ptr<LogFollower> old;
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
    old = std::move(follower_);
  }
  if (listener_.joinable()) listener_.join();
  if (old != nullptr) old->Stop();
  if (observer == nullptr) return;
  LogFollower::Options follow;
  follow.poll = options_.follow_poll;
  auto follower = std::make_unique<LogFollower>(this, observer, follow);
  follower->Start(observer->ObservedThrough());
  {
    absl::MutexLock lock(&mu_);
    stopping_ = false;
    follower_ = std::move(follower);
  }
  listener_ = NamedThread("pg-listener", [this] { ListenLoop(); });
}

void PgEventStore::ListenLoop() {
  auto stopping = [this] {
    absl::MutexLock lock(&mu_);
    return stopping_;
  };
  auto wake = [this](int64_t high) {
    absl::MutexLock lock(&mu_);
    if (follower_ != nullptr) follower_->Wake(high);
  };
  while (!stopping()) {
    absl::StatusOr<std::unique_ptr<PgConnection>> conn = PgConnection::Open(options_.pool.settings);
    absl::Status s = conn.status();
    if (s.ok()) s = (*conn)->ExecScript(absl::StrCat("LISTEN ", kEventsChannel));
    if (!s.ok()) {
      LogLimited(LogLevel::kError, "event log listener",
                 absl::StrCat("event log: cannot listen for appends: ", s.message()));
      absl::SleepFor(absl::Milliseconds(500));
      continue;
    }
    wake(0);  // announcements may have been missed while not listening
    while (!stopping()) {
      absl::StatusOr<std::vector<std::string>> payloads =
          (*conn)->AwaitNotifications(absl::Milliseconds(200));
      if (!payloads.ok()) break;
      for (const std::string& payload : *payloads) wake(Int(payload));
    }
  }
}

absl::StatusOr<std::optional<v1::PaymentEvent>> PgEventStore::AppendIfChanged(
    v1::PaymentEvent event) {
  if (event.shop().empty() || event.payment_id().empty() || !event.has_snapshot()) {
    return absl::InvalidArgumentError("event store: an event needs shop, payment id and snapshot");
  }
  std::optional<v1::PaymentEvent> appended;
  EventCursor cursor;
  absl::Status s = WithConnection([&](PgConnection& conn) -> absl::Status {
    absl::StatusOr<std::optional<v1::PaymentEvent>> r = Append(conn, event, &cursor);
    if (!r.ok()) return r.status();
    appended = *std::move(r);
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  if (appended.has_value()) {
    absl::MutexLock lock(&mu_);
    if (follower_ != nullptr) follower_->Wake(cursor.high());
  }
  return appended;
}

absl::StatusOr<std::optional<v1::PaymentEvent>> PgEventStore::Append(PgConnection& conn,
                                                                     v1::PaymentEvent event,
                                                                     EventCursor* cursor) {
  const std::string snapshot = event.snapshot().SerializeAsString();
  bool changed = false;
  absl::Status s = InTransaction(conn, [&]() -> absl::Status {
    // The payment's lock before anything gives the transaction an id: a later append for the
    // payment then gets a later transaction id, so its cursor is later too.
    absl::Status s = conn.Exec("SELECT pg_advisory_xact_lock(hashtext($1), hashtext($2))",
                               {event.shop(), event.payment_id()})
                         .status();
    if (!s.ok()) return s;
    absl::StatusOr<PgRows> last =
        conn.Exec("SELECT snapshot FROM payments WHERE shop = $1 AND payment_id = $2",
                  {event.shop(), event.payment_id()});
    if (!last.ok()) return last.status();
    if (!last->empty()) {
      std::string previous;
      if (!FromBytea((*last)[0][0], &previous)) {
        return absl::DataLossError("event store: a payment's snapshot is unreadable");
      }
      if (previous == snapshot) return absl::OkStatus();  // nothing changed
      v1::GetPaymentStateResponse before;
      if (before.ParseFromString(previous)) {
        event.set_previous_status(before.status());
        event.set_previous_status_raw(before.status_raw());
      }
    }
    event.clear_cursor();
    absl::StatusOr<PgRows> inserted = conn.Exec(
        "INSERT INTO events (shop, payment_id, status, event) VALUES ($1, $2, $3, $4) "
        "RETURNING tx::text, id",
        {event.shop(), event.payment_id(),
         absl::StrCat(static_cast<int>(event.snapshot().status())),
         Bytea(event.SerializeAsString())});
    if (!inserted.ok()) return inserted.status();
    absl::StatusOr<EventCursor> at = CursorOf((*inserted)[0][0], (*inserted)[0][1]);
    if (!at.ok()) return at.status();
    *cursor = *at;
    s = conn.Exec(
                "INSERT INTO payments (shop, payment_id, snapshot) VALUES ($1, $2, $3) "
                "ON CONFLICT (shop, payment_id) DO UPDATE SET snapshot = excluded.snapshot",
                {event.shop(), event.payment_id(), Bytea(snapshot)})
            .status();
    if (!s.ok()) return s;
    // Delivered to the listening replicas when (and only if) the transaction commits.
    s = conn.Exec("SELECT pg_notify($1, $2)", {kEventsChannel, (*inserted)[0][0]}).status();
    changed = s.ok();
    return s;
  });
  if (!s.ok()) return s;
  if (!changed) return std::optional<v1::PaymentEvent>();
  event.set_cursor(cursor->ToText());
  return std::optional<v1::PaymentEvent>(std::move(event));
}

absl::StatusOr<std::vector<v1::PaymentEvent>> PgEventStore::ReadAfter(const EventCursor& after,
                                                                      const EventFilter& filter,
                                                                      int limit) {
  if (!Owns(after)) {
    return absl::InvalidArgumentError("event store: a cursor of another event store");
  }
  // ReadAfterSql with the filter's conditions: placeholders only, every value bound.
  std::vector<std::string> params = {absl::StrCat(after.high()), absl::StrCat(after.low())};
  std::vector<std::string> conditions;
  auto in_list = [&](absl::string_view column, const std::vector<std::string>& values) {
    std::vector<std::string> marks;
    for (const std::string& v : values) {
      params.push_back(v);
      marks.push_back(absl::StrCat("$", params.size()));
    }
    conditions.push_back(absl::StrCat(column, " IN (", absl::StrJoin(marks, ","), ")"));
  };
  if (!filter.shops.empty()) in_list("shop", filter.shops);
  if (!filter.payment_ids.empty()) in_list("payment_id", filter.payment_ids);
  if (!filter.statuses.empty()) {
    std::vector<std::string> statuses;
    for (v1::PaymentStatus st : filter.statuses) statuses.push_back(absl::StrCat(st));
    in_list("status", statuses);
  }
  params.push_back(absl::StrCat(limit));
  absl::StatusOr<PgRows> rows =
      Query(ReadAfterSql(conditions, static_cast<int>(params.size())), params);
  if (!rows.ok()) return rows.status();
  std::vector<v1::PaymentEvent> out;
  for (const std::vector<std::string>& row : *rows) {
    absl::StatusOr<EventCursor> cursor = CursorOf(row[0], row[1]);
    if (!cursor.ok()) return cursor.status();
    std::string bytes;
    v1::PaymentEvent event;
    if (!FromBytea(row[2], &bytes) || !event.ParseFromString(bytes)) {
      return absl::DataLossError(
          absl::StrCat("event store: event ", cursor->ToText(), " is corrupt"));
    }
    event.set_cursor(cursor->ToText());
    out.push_back(std::move(event));
  }
  return out;
}

absl::StatusOr<EventCursor> PgEventStore::LastCursor() {
  // The newest readable event: everything not yet readable comes after it.
  absl::StatusOr<PgRows> rows = Query(
      "SELECT tx::text, id FROM events "
      "WHERE tx < pg_snapshot_xmin(pg_current_snapshot()) "
      "ORDER BY tx DESC, id DESC LIMIT 1");
  if (!rows.ok()) return rows.status();
  if (rows->empty()) return EventCursor();
  return CursorOf((*rows)[0][0], (*rows)[0][1]);
}

absl::StatusOr<EventCursor> PgEventStore::LastCursorOf(const std::vector<std::string>& shops,
                                                       const EventCursor& at_most) {
  if (at_most.is_beginning()) return EventCursor();
  std::vector<std::string> params = {absl::StrCat(at_most.high()), absl::StrCat(at_most.low())};
  std::vector<std::string> marks;
  for (const std::string& shop : shops) {
    params.push_back(shop);
    marks.push_back(absl::StrCat("$", params.size()));
  }
  absl::StatusOr<PgRows> rows =
      Query(absl::StrCat("SELECT tx::text, id FROM events "
                         "WHERE (tx, id) <= ($1::xid8, $2::bigint) "
                         "AND tx < pg_snapshot_xmin(pg_current_snapshot()) AND shop IN (",
                         absl::StrJoin(marks, ","), ") ORDER BY tx DESC, id DESC LIMIT 1"),
            params);
  if (!rows.ok()) return rows.status();
  if (rows->empty()) return EventCursor();
  return CursorOf((*rows)[0][0], (*rows)[0][1]);
}

bool PgEventStore::Owns(const EventCursor& cursor) const {
  if (cursor.is_beginning()) return true;
  return cursor.high() > 0 && (cursor.low() >> kIdentityShift) == identity_;
}

// --- The reconcile schedule ---

absl::Status PgEventStore::WatchPayment(const std::string& shop, const std::string& payment_id,
                                        absl::Time first_check, absl::Duration interval) {
  return Query(
             "INSERT INTO watched (shop, payment_id, next_check_us, interval_us) "
             "VALUES ($1, $2, $3, $4) ON CONFLICT (shop, payment_id) DO NOTHING",
             {shop, payment_id, Micros(first_check), Micros(interval)})
      .status();
}

absl::StatusOr<std::vector<WatchedPayment>> PgEventStore::DueWatchedPayments(absl::Time now,
                                                                             int limit) {
  // Claimed by moving the check past the lease: no other replica finds it due meanwhile. The
  // rows returned are `due`'s, as they were before the claim.
  absl::StatusOr<PgRows> rows = Query(
      "WITH due AS (SELECT shop, payment_id, next_check_us, interval_us FROM watched "
      "  WHERE next_check_us <= $1 ORDER BY next_check_us LIMIT $2::int "
      "  FOR UPDATE SKIP LOCKED), "
      "claimed AS (UPDATE watched w SET next_check_us = $3 FROM due "
      "  WHERE w.shop = due.shop AND w.payment_id = due.payment_id) "
      "SELECT shop, payment_id, next_check_us, interval_us "
      "FROM due ORDER BY next_check_us",
      {Micros(now), absl::StrCat(limit), Micros(now + options_.reconcile_lease)});
  if (!rows.ok()) return rows.status();
  std::vector<WatchedPayment> out;
  for (const std::vector<std::string>& row : *rows) {
    out.push_back(
        {row[0], row[1], absl::FromUnixMicros(Int(row[2])), absl::Microseconds(Int(row[3]))});
  }
  return out;
}

absl::Status PgEventStore::RescheduleWatch(const std::string& shop, const std::string& payment_id,
                                           absl::Time next_check, absl::Duration interval) {
  absl::StatusOr<PgRows> rows = Query(
      "UPDATE watched SET next_check_us = $3, interval_us = $4 "
      "WHERE shop = $1 AND payment_id = $2 RETURNING 1",
      {shop, payment_id, Micros(next_check), Micros(interval)});
  if (!rows.ok()) return rows.status();
  if (rows->empty()) {
    return absl::NotFoundError(absl::StrCat("event store: ", payment_id, " is not watched"));
  }
  return absl::OkStatus();
}

absl::Status PgEventStore::UnwatchPayment(const std::string& shop, const std::string& payment_id) {
  return Query("DELETE FROM watched WHERE shop = $1 AND payment_id = $2", {shop, payment_id})
      .status();
}

// --- The start ledger ---

absl::StatusOr<StartLedger::ClaimResult> PgEventStore::ClaimStart(const std::string& shop,
                                                                  const std::string& request_id,
                                                                  const std::string& request) {
  ClaimResult result;
  absl::Status s = WithConnection([&](PgConnection& conn) -> absl::Status {
    // Two replicas inserting one key: the second waits on the key until the first commits, then
    // finds it taken. A row released between the insert and the read is claimed again.
    for (int attempt = 0; attempt < 3; ++attempt) {
      absl::StatusOr<PgRows> inserted = conn.Exec(
          "INSERT INTO starts (shop, request_id, request) VALUES ($1, $2, $3) "
          "ON CONFLICT (shop, request_id) DO NOTHING RETURNING 1",
          {shop, request_id, Bytea(request)});
      if (!inserted.ok()) return inserted.status();
      if (!inserted->empty()) {
        result = ClaimResult{Claim::kNew, ""};
        return absl::OkStatus();
      }
      absl::StatusOr<PgRows> found = conn.Exec(
          "SELECT request, response IS NOT NULL, response FROM starts "
          "WHERE shop = $1 AND request_id = $2",
          {shop, request_id});
      if (!found.ok()) return found.status();
      if (found->empty()) continue;
      std::string recorded, response;
      if (!FromBytea((*found)[0][0], &recorded)) {
        return absl::DataLossError("event store: a start's request is unreadable");
      }
      if (recorded != request) {
        result = ClaimResult{Claim::kConflict, ""};
      } else if ((*found)[0][1] == "t") {
        if (!FromBytea((*found)[0][2], &response)) {
          return absl::DataLossError("event store: a start's response is unreadable");
        }
        result = ClaimResult{Claim::kDone, std::move(response)};
      } else {
        result = ClaimResult{Claim::kPending, ""};
      }
      return absl::OkStatus();
    }
    return absl::AbortedError("event store: a start claim kept changing; try again");
  });
  if (!s.ok()) return s;
  return result;
}

absl::Status PgEventStore::CompleteStart(const std::string& shop, const std::string& request_id,
                                         const std::string& response) {
  return Query("UPDATE starts SET response = $3 WHERE shop = $1 AND request_id = $2",
               {shop, request_id, Bytea(response)})
      .status();
}

absl::Status PgEventStore::ReleaseStart(const std::string& shop, const std::string& request_id) {
  return Query("DELETE FROM starts WHERE shop = $1 AND request_id = $2 AND response IS NULL",
               {shop, request_id})
      .status();
}

}  // namespace barion_gateway::server::postgres
