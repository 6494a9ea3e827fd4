#!/usr/bin/env bash
# A short run of every benchmark, so that none can rot unnoticed: each must finish, exit 0 and
# print its figures. Built like the tests (BENCH_MODE=fastbuild), so the figures mean nothing;
# docs/PERFORMANCE.md has the real ones. Prints one line per benchmark and, last,
# "bench_smoke: passed=N failed=N".
set -uo pipefail
cd "$(dirname "$0")/.."
export BENCH_MODE=fastbuild
passed=0
failed=0
# run NAME PATTERN COMMAND...: runs COMMAND (at most 120 s); passes when it exits 0 and its
# output has a line matching PATTERN.
run() {
  local name=$1 pattern=$2
  shift 2
  local log
  log=$(mktemp)
  if timeout 120 "$@" >"$log" 2>&1 && grep -qE "$pattern" "$log"; then
    echo "bench_smoke: $name ok"
    passed=$((passed + 1))
  else
    echo "bench_smoke: $name FAILED; its output:"
    tail -30 "$log"
    failed=$((failed + 1))
  fi
  rm -f "$log"
}
run bench 'mtls.authz/plaintext: gateway CPU' env BENCH_SECURE=1 bash tools/bench.sh 1 1,4
run bench_metrics 'metrics on/off: gateway CPU' env BENCH_METRICS=1 BENCH_METRICS_ROUNDS=2 bash tools/bench.sh 0.5 2
run webhook_bench 'endpoints \(2 down\), 10 callbacks/s: callback -> webhook p50' \
  bash tools/webhook_bench.sh --seconds=1 --rate=20 --replay_events=100 --endpoints=5 --down=2 \
  --many_rates=10
run event_bench 'acknowledgements: .* durable callbacks/s' \
  bash tools/event_bench.sh 1 1,10 --rate=20 --burst=50 --idle_streams=20
run event_bench_replicas 'accepted on one replica, delivered by another' \
  env BENCH_REPLICAS=2 bash tools/event_bench.sh 1 2 --rate=20 --burst=50 --idle_streams=10
run ctl_bench 'median' bash tools/ctl_bench.sh 3
run profile 'Refund alone: [0-9]+ calls/s.*errors 0' bash tools/profile.sh 1 2 GetPaymentState,Refund
bazel build -c fastbuild //tools:grpc_floor_experiment //tools:fanout_floor_experiment \
  //tools:authz_bench //tools:metrics_bench //tools:ledger_bench //tools:store_read_bench //tools:audit_bench \
  >/dev/null 2>&1
run authz_bench 'certificate' bazel-bin/tools/authz_bench --iterations=1000
run metrics_bench '^2 +[0-9]+$' bazel-bin/tools/metrics_bench --iterations=1000
run grpc_floor_experiment 'server CPU [0-9.]+ us/call' \
  bazel-bin/tools/grpc_floor_experiment executor 1 100 2
run fanout_floor_experiment 'split:2, 40 subscribers.* [1-9][0-9]* delivered, server CPU' \
  bazel-bin/tools/fanout_floor_experiment split:2 1 40 20
run ledger_bench "a start's three +CPU +[0-9.]+ us" \
  bazel-bin/tools/ledger_bench --starts=20 --rounds=1 --dir="${TEST_TMPDIR:-/tmp}"
run store_read_bench 'p99 ratio with readers / alone: start [0-9.]+x, callback [0-9.]+x' \
  bazel-bin/tools/store_read_bench --events=2000 --readers=2 --seconds=0.3 \
  --dir="${TEST_TMPDIR:-/tmp}"
run audit_bench ' +4 synced +[0-9.]+ +[0-9.]+ +[0-9.]+' \
  bazel-bin/tools/audit_bench --threads=4 --calls=40 --dir="${TEST_TMPDIR:-/tmp}"
echo "bench_smoke: passed=$passed failed=$failed"
[ "$failed" -eq 0 ]
