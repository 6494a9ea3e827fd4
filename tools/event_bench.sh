#!/usr/bin/env bash
# Benchmark: Barion callbacks to gRPC subscribers (tools/event_bench.cc), with the real gateway
# and sandbox processes; docs/PERFORMANCE.md records the figures.
# Usage: tools/event_bench.sh [seconds, default 5] [subscriber counts, default 1,100,1000]
#        [more event_bench flags, e.g. --rate=50 --idle_streams=10]
set -euo pipefail
source "$(dirname "$0")/bench_env.sh"
bench_setup //server:barion_gateway //sandbox:barion_sandbox //tools:event_bench
# The sandbox's own callbacks go to a dead address and are not retried during the run.
bench_sandbox --time_scale=1000
cat >"$work/gateway.textproto" <<CONFIG
shops { name: "demo" pos_key_env: "BARION_POS_KEY" payee: "demo-shop@sandbox.local" }
barion { base_url: "$https" ca_file: "$ca" }
listen { grpc_address: "127.0.0.1:0" callback_address: "127.0.0.1:0" admin_address: "127.0.0.1:0" }
data_dir: "$work/gateway-data"
callback_public_base_url: "listener"
reconciliation { first_check { seconds: 3600 } max_interval { seconds: 3600 } }
# Every stream of the benchmark comes from 127.0.0.1: one client as the gateway counts them.
subscriptions { max_subscribers_per_client: 100000 max_subscribers: 100000 }
CONFIG
bench_gateway --config="$work/gateway.textproto"
echo "build: -c ${BENCH_MODE:-opt}; gateway, sandbox and the benchmark's clients share the machine;"
echo "event store: SQLite WAL, synchronous=FULL, on $(df -h "$work" | awk 'NR==2{print $1}')"
bazel-bin/tools/event_bench --gateway="$(sed -n 's/^grpc=//p' "$work/gw")" \
  --callback="$(sed -n 's/^callback=//p' "$work/gw")" --gateway_pid="$gw" \
  --sandbox_http="$http" --seconds="${1:-5}" --subscribers="${2:-1,100,1000}" "${@:3}"
