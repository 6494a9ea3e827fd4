// Benchmark: what a durable audit trail costs a money-moving call. --threads callers each make
// --calls calls; a call writes its intent and its result record and waits for both to be synced
// (as the gateway does for StartPayment, Refund, ...), or queues them (as it does for reads).
// Per call: p50 and p99 wall time, and the fdatasyncs the log made per call (group commit:
// concurrent callers share them). On the file system of --dir.
// Usage: bazel-bin/tools/audit_bench [--threads=1,16,64] [--calls=2000] [--dir=/tmp]
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "server/audit/audit_log.h"

ABSL_FLAG(std::string, threads, "1,16,64", "concurrent callers, one row each");
ABSL_FLAG(int, calls, 2000, "calls per row (shared by the callers)");
ABSL_FLAG(std::string, dir, "/tmp", "where the audit logs are made (and removed)");

namespace {

using barion_gateway::server::AuditLog;
using barion_gateway::server::AuditRecord;

[[noreturn]] void Die(const std::string& what) {
  std::fprintf(stderr, "audit_bench: %s\n", what.c_str());
  std::exit(1);
}

AuditRecord Refund() {
  AuditRecord r;
  r.time = absl::Now();
  r.caller = "billing";
  r.authenticated_by = "certificate";
  r.peer = "ipv4:10.0.4.7:51044";
  r.method = "/barion.v1.PaymentService/Refund";
  r.shop = "web";
  r.payment_id = "4f1d2c3b5a6e47c8b9d0e1f2a3b4c5d6";
  r.amounts = {"1200.50"};
  r.currency = "EUR";
  r.trace_id = "4bf92f3577b34da6a3ce929d0e0e4736";
  return r;
}

double Percentile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[std::min(v.size() - 1, static_cast<size_t>(p * v.size()))];
}

struct Row {
  double p50_us, p99_us, syncs_per_call;
};

Row Measure(int threads, int calls, AuditLog::Durability durability, int round) {
  const std::string path =
      absl::StrCat(absl::GetFlag(FLAGS_dir), "/audit_bench-", getpid(), "-", round, ".log");
  std::atomic<int64_t> batches{0};
  AuditLog::Options options;
  options.path = path;
  options.on_batch = [&batches](bool ok, int64_t) {
    if (!ok) Die("a batch failed");
    batches.fetch_add(1);
  };
  auto log = AuditLog::Open(options);
  if (!log.ok()) Die(std::string(log.status().message()));
  absl::Mutex mu;
  std::vector<double> us;
  std::atomic<int> next{0};
  std::vector<std::thread> callers;
  for (int t = 0; t < threads; ++t) {
    callers.emplace_back([&] {
      std::vector<double> mine;
      while (next.fetch_add(1) < calls) {
        const absl::Time t0 = absl::Now();
        AuditRecord r = Refund();
        r.phase = "intent";
        if (!(*log)->Record(r, durability).ok()) Die("intent");
        r.phase = "result";
        r.code = "OK";
        r.outcome = "ok";
        if (!(*log)->Record(r, durability).ok()) Die("result");
        mine.push_back(absl::ToDoubleMicroseconds(absl::Now() - t0));
      }
      absl::MutexLock lock(&mu);
      us.insert(us.end(), mine.begin(), mine.end());
    });
  }
  for (std::thread& c : callers) c.join();
  (*log)->Flush();
  log->reset();
  std::remove(path.c_str());
  return {Percentile(us, 0.5), Percentile(us, 0.99),
          static_cast<double>(batches.load()) / static_cast<double>(calls)};
}

}  // namespace

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  const int calls = absl::GetFlag(FLAGS_calls);
  std::vector<int> rows;
  for (absl::string_view t : absl::StrSplit(absl::GetFlag(FLAGS_threads), ',')) {
    int n = 0;
    if (!absl::SimpleAtoi(t, &n) || n < 1) Die("--threads is a list of positive numbers");
    rows.push_back(n);
  }
  if (calls < 1) Die("--calls must be at least 1");
  std::printf("%8s %-8s %12s %12s %16s\n", "callers", "records", "p50 us/call", "p99 us/call",
              "fdatasync/call");
  int round = 0;
  for (int threads : rows) {
    for (auto [durability, name] : {std::pair{AuditLog::Durability::kSynced, "synced"},
                                    std::pair{AuditLog::Durability::kQueued, "queued"}}) {
      const Row r = Measure(threads, calls, durability, round++);
      std::printf("%8d %-8s %12.1f %12.1f %16.3f\n", threads, name, r.p50_us, r.p99_us,
                  r.syncs_per_call);
    }
  }
  return 0;
}
