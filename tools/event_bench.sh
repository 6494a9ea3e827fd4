#!/usr/bin/env bash
# Benchmark: Barion callbacks to gRPC subscribers (tools/event_bench.cc), with the real gateway
# and sandbox processes; docs/PERFORMANCE.md records the figures.
# Usage: tools/event_bench.sh [seconds, default 5] [subscriber counts, default 1,100,1000]
#        [more event_bench flags, e.g. --rate=50 --idle_streams=10]
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/install_deps.sh
targets=(//server:barion_gateway //sandbox:barion_sandbox //tools:event_bench)
bazel build -c opt "${targets[@]}" >/dev/null 2>&1 || bazel build -c opt "${targets[@]}"
work=$(mktemp -d)
export BARION_POS_KEY="$(openssl rand -hex 16)"
cleanup() { kill "${gw:-}" "${sb:-}" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
report() { echo "bench failed; gateway log tail:" >&2; tail -20 "$work/gateway.log" >&2 || true; }
trap report ERR
# The sandbox's own callbacks go to a dead address and are not retried during the run.
bazel-bin/sandbox/barion_sandbox --http_address=127.0.0.1:0 --https_address=127.0.0.1:0 \
  --data_dir="$work/sandbox" --addresses_file="$work/sb" --rate_limit=false \
  --time_scale=1000 >/dev/null 2>&1 &
sb=$!
for _ in $(seq 100); do [ -s "$work/sb" ] && break; sleep 0.05; done
https=$(sed -n 's/^https=//p' "$work/sb"); http=$(sed -n 's/^http=//p' "$work/sb")
ca=$(sed -n 's/^ca=//p' "$work/sb")
cat >"$work/gateway.textproto" <<CONFIG
shops { name: "demo" pos_key_env: "BARION_POS_KEY" payee: "demo-shop@sandbox.local" }
barion { base_url: "$https" ca_file: "$ca" }
listen { grpc_address: "127.0.0.1:0" callback_address: "127.0.0.1:0" }
data_dir: "$work/gateway-data"
callback_public_base_url: "listener"
reconciliation { first_check { seconds: 3600 } max_interval { seconds: 3600 } }
CONFIG
bazel-bin/server/barion_gateway --config="$work/gateway.textproto" --addresses_file="$work/gw" \
  --log_calls=false >"$work/gateway.log" 2>&1 &
gw=$!
for _ in $(seq 100); do [ -s "$work/gw" ] && break; sleep 0.05; done
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
echo "build: -c opt; gateway, sandbox and the benchmark's clients share the machine;"
echo "event store: SQLite WAL, synchronous=FULL, on $(df -h "$work" | awk 'NR==2{print $1}')"
bazel-bin/tools/event_bench --gateway="$(sed -n 's/^grpc=//p' "$work/gw")" \
  --callback="$(sed -n 's/^callback=//p' "$work/gw")" --gateway_pid="$gw" \
  --sandbox_http="$http" --seconds="${1:-5}" --subscribers="${2:-1,100,1000}" "${@:3}"
