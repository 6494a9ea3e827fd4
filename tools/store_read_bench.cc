// Benchmark: can readers of the event log stall payments? The SQLite store with --events events
// (bulk-loaded), measured twice in one run: the writes of the payment path alone (a start's
// durable claim and completion, as StartPayment does; a callback's durable receipt, what its
// HTTP 200 waits for), then the same writes while --readers threads loop the most expensive
// event reads a caller allowed only ListPaymentEvents can ask for (one shop, a status no event
// has, and 100 payment ids that do not exist: a page that is never filled). p50 and p99 of each
// write, and the ratio with readers to without. docs/PERFORMANCE.md records the figures.
// Usage: bazel-bin/tools/store_read_bench [--events=1000000] [--readers=16] [--seconds=10]
//        [--dir=/tmp]
#include <sqlite3.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "barion/v1/payment_event.pb.h"
#include "server/events/event_log.h"
#include "server/events/sqlite/sqlite_event_store.h"

ABSL_FLAG(int, events, 1000000, "events in the store");
ABSL_FLAG(int, readers, 16, "threads looping expensive reads in the second phase");
ABSL_FLAG(double, seconds, 10, "length of each phase");
ABSL_FLAG(std::string, dir, "/tmp", "where the database is made (and removed)");

namespace {

namespace v1 = ::barion::v1;
using barion_gateway::server::EventCursor;
using barion_gateway::server::EventFilter;
using barion_gateway::server::SqliteEventStore;

[[noreturn]] void Die(const std::string& what) {
  std::fprintf(stderr, "store_read_bench: %s\n", what.c_str());
  std::exit(1);
}

std::string Hex(std::mt19937_64& random) {
  return absl::StrFormat("%016x%016x", random(), random());
}

const char* const kShops[] = {"web", "app", "b2b", "outlet"};

// Fills the events table directly (one transaction), as a store that has seen `n` payment
// changes would hold them. The store must be closed: this is a second connection.
void BulkLoad(const std::string& path, int n) {
  sqlite3* db = nullptr;
  if (sqlite3_open(path.c_str(), &db) != SQLITE_OK) Die("cannot open the database to load it");
  sqlite3_exec(db, "PRAGMA journal_mode=WAL; BEGIN", nullptr, nullptr, nullptr);
  sqlite3_stmt* insert = nullptr;
  sqlite3_prepare_v2(db,
                     "INSERT INTO events (shop, payment_id, status, event) VALUES (?1, ?2, ?3, ?4)",
                     -1, &insert, nullptr);
  std::mt19937_64 random(42);
  v1::PaymentEvent e;
  for (int i = 0; i < n; ++i) {
    const std::string id = Hex(random);
    e.set_shop(kShops[i % 4]);
    e.set_payment_id(id);
    v1::GetPaymentStateResponse* s = e.mutable_snapshot();
    s->set_payment_id(id);
    s->set_status(i % 3 == 0 ? v1::PAYMENT_STATUS_PREPARED : v1::PAYMENT_STATUS_SUCCEEDED);
    s->set_payment_request_id(absl::StrCat("order-", i));
    s->set_total("4990");
    const std::string blob = e.SerializeAsString();
    sqlite3_bind_text(insert, 1, e.shop().c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(insert, 2, id.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(insert, 3, s->status());
    sqlite3_bind_blob(insert, 4, blob.data(), static_cast<int>(blob.size()), SQLITE_TRANSIENT);
    if (sqlite3_step(insert) != SQLITE_DONE) Die(sqlite3_errmsg(db));
    sqlite3_reset(insert);
  }
  sqlite3_finalize(insert);
  if (sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr) != SQLITE_OK) Die(sqlite3_errmsg(db));
  sqlite3_close(db);
}

struct Latencies {
  absl::Mutex mu;
  std::vector<double> start_ms;
  std::vector<double> callback_ms;
};

double Percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(p * v.size()))];
}

// One phase: a start writer and a callback writer for `length`, with `readers` reading.
void Phase(SqliteEventStore& store, int readers, absl::Duration length, int phase, Latencies* out,
           int64_t* reads) {
  std::atomic<bool> stop{false};
  std::atomic<int64_t> read_count{0};
  std::vector<std::thread> threads;
  for (int r = 0; r < readers; ++r) {
    threads.emplace_back([&, r] {
      std::mt19937_64 random(1000 + r);
      EventFilter filter;
      filter.shops = {kShops[r % 4]};
      filter.statuses = {v1::PAYMENT_STATUS_EXPIRED};  // no event has it
      for (int i = 0; i < 100; ++i) filter.payment_ids.push_back(Hex(random));
      while (!stop.load()) {
        auto events = store.ReadAfter(EventCursor(), filter, 1000);
        if (!events.ok()) Die(std::string(events.status().message()));
        read_count.fetch_add(1);
      }
    });
  }
  const std::string request(900, 'q');
  const std::string response(600, 'r');
  threads.emplace_back([&] {
    for (int i = 0; !stop.load(); ++i) {
      const std::string id = absl::StrCat("phase-", phase, "-", i);
      const absl::Time t0 = absl::Now();
      if (!store.ClaimStart("web", id, request).ok()) Die("claim");
      if (!store.CompleteStart("web", id, response).ok()) Die("complete");
      const double ms = absl::ToDoubleMilliseconds(absl::Now() - t0);
      absl::MutexLock lock(&out->mu);
      out->start_ms.push_back(ms);
    }
  });
  threads.emplace_back([&] {
    std::mt19937_64 random(7 + phase);
    while (!stop.load()) {
      const absl::Time t0 = absl::Now();
      if (!store.RecordCallback("web", Hex(random), absl::Now()).ok()) Die("callback");
      const double ms = absl::ToDoubleMilliseconds(absl::Now() - t0);
      absl::MutexLock lock(&out->mu);
      out->callback_ms.push_back(ms);
    }
  });
  absl::SleepFor(length);
  stop.store(true);
  for (std::thread& t : threads) t.join();
  *reads = read_count.load();
}

}  // namespace

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  const int n = absl::GetFlag(FLAGS_events);
  const int readers = absl::GetFlag(FLAGS_readers);
  const absl::Duration length = absl::Seconds(absl::GetFlag(FLAGS_seconds));
  if (n < 1 || readers < 1) Die("--events and --readers must be at least 1");
  const std::string path =
      absl::StrCat(absl::GetFlag(FLAGS_dir), "/store_read_bench-", getpid(), ".db");
  {
    auto created = SqliteEventStore::Open(path);  // the schema and the identity
    if (!created.ok()) Die(std::string(created.status().message()));
  }
  const absl::Time load0 = absl::Now();
  BulkLoad(path, n);
  std::printf("store_read_bench: %d events loaded in %.1f s\n", n,
              absl::ToDoubleSeconds(absl::Now() - load0));
  auto store = SqliteEventStore::Open(path);
  if (!store.ok()) Die(std::string(store.status().message()));
  Latencies alone, contended;
  int64_t reads_alone = 0, reads = 0;
  Phase(**store, 0, length, 0, &alone, &reads_alone);
  Phase(**store, readers, length, 1, &contended, &reads);
  std::printf("%-34s %10s %10s %8s\n", "write", "p50 ms", "p99 ms", "count");
  auto row = [](const char* what, const std::vector<double>& v) {
    std::printf("%-34s %10.3f %10.3f %8zu\n", what, Percentile(v, 0.5), Percentile(v, 0.99),
                v.size());
  };
  row("start (claim + completion), alone", alone.start_ms);
  row("start, with readers", contended.start_ms);
  row("callback receipt, alone", alone.callback_ms);
  row("callback receipt, with readers", contended.callback_ms);
  std::printf("reads: %lld in %.0f s by %d readers (%.1f per second)\n",
              static_cast<long long>(reads), absl::ToDoubleSeconds(length), readers,
              reads / absl::ToDoubleSeconds(length));
  std::printf("p99 ratio with readers / alone: start %.2fx, callback %.2fx\n",
              Percentile(contended.start_ms, 0.99) / Percentile(alone.start_ms, 0.99),
              Percentile(contended.callback_ms, 0.99) / Percentile(alone.callback_ms, 0.99));
  store->reset();
  for (const char* suffix : {"", "-wal", "-shm", ".lock"}) {
    std::remove(absl::StrCat(path, suffix).c_str());
  }
  return 0;
}
