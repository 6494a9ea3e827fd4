// Benchmark: what each of a StartPayment's store writes costs on SQLite, alone, one after another
// (no gRPC, no Barion): the durable claim (synchronous=FULL: an fsync), the completion and the
// reconciler's watch (synchronous=NORMAL: no fsync, docs/EVENTS.md). CPU and wall time per
// write, medians of --rounds rounds, on the file system of --dir. docs/PERFORMANCE.md records
// the figures.
// Usage: bazel-bin/tools/ledger_bench [--starts=2000] [--rounds=3] [--dir=/tmp]
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "server/events/sqlite/sqlite_event_store.h"

ABSL_FLAG(int, starts, 2000, "starts per round");
ABSL_FLAG(int, rounds, 3, "rounds (a new database each)");
ABSL_FLAG(std::string, dir, "/tmp", "where the databases are made (and removed)");

namespace {

using barion_gateway::server::SqliteEventStore;

// This process's user + system CPU.
absl::Duration Cpu() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return absl::DurationFromTimeval(u.ru_utime) + absl::DurationFromTimeval(u.ru_stime);
}

struct Cost {
  double cpu_us = 0;
  double wall_us = 0;
};

[[noreturn]] void Die(const std::string& what) {
  std::fprintf(stderr, "ledger_bench: %s\n", what.c_str());
  std::exit(1);
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  const int n = absl::GetFlag(FLAGS_starts);
  const int rounds = absl::GetFlag(FLAGS_rounds);
  if (n < 1 || rounds < 1) Die("--starts and --rounds must be at least 1");
  const std::string response(600, 'r');  // about a StartPaymentResponse's size
  const std::string request(900, 'q');   // about a StartPaymentRequest's
  std::vector<double> cpu[3], wall[3];
  for (int round = 0; round < rounds; ++round) {
    const std::string path =
        absl::StrCat(absl::GetFlag(FLAGS_dir), "/ledger_bench-", getpid(), "-", round, ".db");
    auto store = SqliteEventStore::Open(path);
    if (!store.ok()) Die(std::string(store.status().message()));
    Cost cost[3];
    for (int i = 0; i < n; ++i) {
      const std::string id = absl::StrCat("request-", i);
      const std::string payment = absl::StrCat("payment-", i);
      // 0: the claim, 1: its completion, 2: the watch.
      for (int step = 0; step < 3; ++step) {
        const absl::Duration c0 = Cpu();
        const absl::Time w0 = absl::Now();
        absl::Status s;
        if (step == 0) {
          auto claim = (*store)->ClaimStart("demo", id, request);
          s = claim.status();
        } else if (step == 1) {
          s = (*store)->CompleteStart("demo", id, response);
        } else {
          s = (*store)->WatchPayment("demo", payment, absl::Now() + absl::Minutes(1),
                                     absl::Minutes(1));
        }
        if (!s.ok()) Die(std::string(s.message()));
        cost[step].cpu_us += absl::ToDoubleMicroseconds(Cpu() - c0);
        cost[step].wall_us += absl::ToDoubleMicroseconds(absl::Now() - w0);
      }
    }
    for (int step = 0; step < 3; ++step) {
      cpu[step].push_back(cost[step].cpu_us / n);
      wall[step].push_back(cost[step].wall_us / n);
    }
    store->reset();
    for (const char* suffix : {"", "-wal", "-shm", "-journal"}) {
      std::remove(absl::StrCat(path, suffix).c_str());
    }
  }
  const char* names[3] = {"claim (durable)", "completion (relaxed)", "watch (relaxed)"};
  std::printf("%d starts x %d rounds, medians per write:\n", n, rounds);
  double total_cpu = 0, total_wall = 0;
  for (int step = 0; step < 3; ++step) {
    std::printf("  %-22s CPU %7.1f us, wall %7.1f us\n", names[step], Median(cpu[step]),
                Median(wall[step]));
    total_cpu += Median(cpu[step]);
    total_wall += Median(wall[step]);
  }
  std::printf("  %-22s CPU %7.1f us, wall %7.1f us\n", "a start's three", total_cpu, total_wall);
  return 0;
}
