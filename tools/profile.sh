#!/usr/bin/env bash
# Where the gateway's CPU goes, per kind of work: perf samples the gateway process while the
# benchmark makes one kind of call only, and the top entries by self time are printed
# (docs/PERFORMANCE.md explains them). Kinds: StartPayment, GetPaymentState, Refund (a mutation
# that succeeds, so also the change it records and fetches; tools/bench --only=RPC), and stream
# messages (tools/event_bench: 1,000 subscribers, 10 callbacks/s).
# Usage: tools/profile.sh [seconds, default 5] [clients, default 16] [kinds, default all four:
#        StartPayment,GetPaymentState,Refund,stream]
# BENCH_GATEWAY_BIN profiles another gateway binary (one built from an earlier commit).
# Needs perf (Debian's linux-perf; installed here if missing). perf samples the whole machine and
# the report keeps the gateway's samples: `perf record -p` follows only the threads that exist
# when it starts, and gRPC's sync server creates its worker threads as calls arrive, so a
# per-process recording missed the threads that run the handlers.
set -euo pipefail
source "$(dirname "$0")/bench_env.sh"
command -v perf >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq linux-perf >/dev/null
bench_setup //server:barion_gateway //sandbox:barion_sandbox //tools:bench //tools:event_bench
bench_sandbox --time_scale=1000
bench_event_config "$work/gateway-data" >"$work/gateway.textproto"
bench_gateway --config="$work/gateway.textproto"
seconds="${1:-5}"; clients="${2:-16}"
grpc=$(sed -n 's/^grpc=//p' "$work/gw"); callback=$(sed -n 's/^callback=//p' "$work/gw")
report() {
  # By thread name and library: perf's report by library alone drops the kernel's samples
  # when it is limited to one process.
  echo "--- by thread and library"
  { perf report -i "$1" --pid="$gw" --percentage relative --no-children --sort comm,dso \
      --stdio -g none 2>/dev/null || echo "(no samples)"; } |
    grep -vE '^(#|$)' | sed -E 's/ +$//' | head -14 || true
  echo "--- by function (self time, at least 1 %)"
  { perf report -i "$1" --pid="$gw" --percentage relative --no-children --sort dso,symbol \
      --stdio -g none --percent-limit 1 2>/dev/null ||
      echo "(no samples)"; } | grep -vE '^(#|$)' | sed -E 's/ +-? +-? *$//' | head -30 || true
}
for kind in $(echo "${3:-StartPayment,GetPaymentState,Refund,stream}" | tr , ' '); do
  echo "=== $kind"
  if [ "$kind" = stream ]; then
    perf record -q -F 4999 -a -o "$work/perf.$kind" -- sleep $((seconds + 25)) 2>/dev/null &
    perf_pid=$!
    bazel-bin/tools/event_bench --gateway="$grpc" --callback="$callback" --gateway_pid="$gw" \
      --sandbox_http="$http" --seconds="$seconds" --subscribers=1000 --rate=10 --burst=10 \
      --idle_streams=10 --ack_phase=false | grep -E 'latency|CPU per'
    kill -INT "$perf_pid" 2>/dev/null || true
  else
    perf record -q -F 4999 -a -o "$work/perf.$kind" -- sleep $((seconds + 2)) 2>/dev/null &
    perf_pid=$!
    bazel-bin/tools/bench --gateway="$grpc" --gateway_pid="$gw" --sandbox_https="$https" \
      --sandbox_http="$http" --ca_file="$ca" --seconds="$seconds" --concurrency="$clients" \
      --only="$kind" | grep alone
  fi
  wait "$perf_pid" 2>/dev/null || true
  report "$work/perf.$kind"
done
