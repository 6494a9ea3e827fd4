// Microbenchmark: what the metrics add to one StartPayment + GetPaymentState pair (the calls of
// tools/bench.sh): per RPC the started and handled counters and the handling-time histogram
// (the method found by name, as the RPC edge does), per Barion call its endpoint template
// matched against the path with its id, two counters and a histogram, and the start ledger's
// counter. Runs on 1 and on 2 threads at once (the series are shared, as in the gateway), and
// prints the median of 5 runs in ns per pair.
// Usage: bazel run -c opt //tools:metrics_bench [-- --iterations=N]
#include <algorithm>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/time/clock.h"
#include "google/protobuf/descriptor.h"
#include "server/metrics/gateway_metrics.h"
#include "server/operations/catalog.h"

ABSL_FLAG(int, iterations, 200000, "call pairs per run and thread");

namespace {

namespace srv = ::barion_gateway::server;

// One StartPayment + GetPaymentState pair's metric work.
void Pair(srv::GatewayMetrics& metrics) {
  const srv::RpcMethodMetrics* start = &metrics.rpc().For(srv::Rpc::kStartPayment);
  start->Started();
  srv::BarionCall call;
  call.path = "/v2/Payment/Start";
  call.http_status = 200;
  call.took = absl::Milliseconds(1);
  metrics.barion().BarionCalled(call);
  metrics.operations().Ledger(srv::LedgerResult::kNew);
  start->Handled(absl::StatusCode::kOk, absl::Milliseconds(2));
  const srv::RpcMethodMetrics* state = &metrics.rpc().For(srv::Rpc::kGetPaymentState);
  state->Started();
  call.path = "/v4/Payment/0123456789abcdef0123456789abcdef/PaymentState";
  metrics.barion().BarionCalled(call);
  state->Handled(absl::StatusCode::kOk, absl::Milliseconds(2));
}

double RunNsPerPair(srv::GatewayMetrics& metrics, int threads, int iterations) {
  const absl::Time begin = absl::Now();
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&] {
      for (int i = 0; i < iterations; ++i) Pair(metrics);
    });
  }
  for (std::thread& w : workers) w.join();
  // Per pair as one thread sees it: wall time over the pairs each thread made.
  return absl::ToDoubleNanoseconds(absl::Now() - begin) / iterations;
}

}  // namespace

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  const int iterations = absl::GetFlag(FLAGS_iterations);
  srv::GatewayMetrics metrics("bench", "bench", srv::CatalogEndpoints());
  std::printf("%-8s %14s\n", "threads", "ns per pair");
  for (int threads : {1, 2}) {
    std::vector<double> runs;
    for (int run = 0; run < 5; ++run) {
      runs.push_back(RunNsPerPair(metrics, threads, iterations));
    }
    std::sort(runs.begin(), runs.end());
    std::printf("%-8d %14.0f\n", threads, runs[2]);
  }
  return 0;
}
