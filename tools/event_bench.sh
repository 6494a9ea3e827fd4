#!/usr/bin/env bash
# Benchmark: Barion callbacks to gRPC subscribers (tools/event_bench.cc), with the real gateway
# and sandbox processes; docs/PERFORMANCE.md records the figures.
# Usage: tools/event_bench.sh [seconds, default 5] [subscriber counts, default 1,100,1000]
#        [more event_bench flags, e.g. --rate=50 --idle_streams=10]
# With BENCH_REPLICAS=N, N gateway replicas share a PostgreSQL 15 of the run's own (started by
# tools/pg_local.sh, fsync on) instead of one gateway on SQLite: subscribers and callbacks are
# spread over the replicas (docs/SCALING.md).
set -euo pipefail
source "$(dirname "$0")/bench_env.sh"
bench_setup //server:barion_gateway //sandbox:barion_sandbox //tools:event_bench
# The sandbox's own callbacks go to a dead address and are not retried during the run.
bench_sandbox --time_scale=1000
if [ -z "${BENCH_REPLICAS:-}" ]; then
  bench_event_config "$work/gateway-data" >"$work/gateway.textproto"
  bench_gateway --config="$work/gateway.textproto"
  grpc_list=$(sed -n 's/^grpc=//p' "$work/gw")
  callback_list=$(sed -n 's/^callback=//p' "$work/gw")
  pid_list=$gw
  store="SQLite WAL, synchronous=FULL, on $(df -h "$work" | awk 'NR==2{print $1}')"
else
  pg=$(mktemp -d /tmp/barion-bench-pg-XXXXXX)  # the postgres user must be able to enter it
  replica_pids=()
  trap 'kill "${replica_pids[@]}" "${sb:-}" 2>/dev/null || true; bash tools/pg_local.sh stop "$pg" >/dev/null 2>&1 || true; rm -rf "$work" "$pg"' EXIT
  dsn=$(bash tools/pg_local.sh start "$pg" | sed -n 's/^dsn=//p')
  grpc_list=""; callback_list=""; pid_list=""
  for i in $(seq "$BENCH_REPLICAS"); do
    mkdir -p "$work/r$i"
    { bench_event_config "$work/r$i/data"; echo "store { postgres { dsn: \"$dsn\" } }"; } >"$work/r$i/gateway.textproto"
    (cd "$work/r$i" && exec "$OLDPWD/bazel-bin/server/barion_gateway" --addresses_file="$work/r$i/gw" \
      --log_calls=false --config="$work/r$i/gateway.textproto") >"$work/r$i/gateway.log" 2>&1 &
    replica_pids+=($!)
    for _ in $(seq 200); do [ -s "$work/r$i/gw" ] && break; sleep 0.05; done
    grpc_list+="${grpc_list:+,}$(sed -n 's/^grpc=//p' "$work/r$i/gw")"
    callback_list+="${callback_list:+,}$(sed -n 's/^callback=//p' "$work/r$i/gw")"
    pid_list+="${pid_list:+,}${replica_pids[$((i - 1))]}"
  done
  echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
  store="PostgreSQL 15 (fsync on, synchronous_commit on), $BENCH_REPLICAS replica(s) sharing it"
fi
echo "build: -c ${BENCH_MODE:-opt}; gateway, sandbox and the benchmark's clients share the machine;"
echo "event store: $store"
bazel-bin/tools/event_bench --gateway="$grpc_list" --callback="$callback_list" \
  --gateway_pid="$pid_list" --sandbox_http="$http" --seconds="${1:-5}" \
  --subscribers="${2:-1,100,1000}" "${@:3}"
