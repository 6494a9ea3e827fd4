#!/usr/bin/env bash
# Benchmark: StartPayment + GetPaymentState through the gateway vs. directly against the
# sandbox, 1/16/64 concurrent clients, in one run (docs/PERFORMANCE.md records the figures).
# Usage: tools/bench.sh [seconds per phase, default 5] [concurrency list, default 1,16,64]
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/install_deps.sh
bazel build -c opt //server:barion_gateway //sandbox:barion_sandbox //tools:bench >/dev/null 2>&1 ||
  bazel build -c opt //server:barion_gateway //sandbox:barion_sandbox //tools:bench
work=$(mktemp -d)
export BARION_POS_KEY="$(openssl rand -hex 16)"
cleanup() { kill "${gw:-}" "${sb:-}" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
report() { echo "bench failed; gateway log tail:" >&2; tail -20 "$work/gateway.log" >&2 || true; }
trap report ERR
bazel-bin/sandbox/barion_sandbox --http_address=127.0.0.1:0 --https_address=127.0.0.1:0 \
  --data_dir="$work/sandbox" --addresses_file="$work/sb" --rate_limit=false >/dev/null 2>&1 &
sb=$!
for _ in $(seq 100); do [ -s "$work/sb" ] && break; sleep 0.05; done
https=$(sed -n 's/^https=//p' "$work/sb"); http=$(sed -n 's/^http=//p' "$work/sb")
ca=$(sed -n 's/^ca=//p' "$work/sb")
(cd "$work" && exec "$OLDPWD/bazel-bin/server/barion_gateway" --grpc_address=127.0.0.1:0 --callback_address=127.0.0.1:0 \
  --addresses_file="$work/gw" --barion_base_url="$https" --barion_ca_file="$ca" \
  --log_calls=false) >"$work/gateway.log" 2>&1 &
gw=$!
for _ in $(seq 100); do [ -s "$work/gw" ] && break; sleep 0.05; done
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
echo "build: -c opt; gateway, sandbox and clients share the machine"
${BENCH_WRAP:-} bazel-bin/tools/bench --gateway="$(sed -n 's/^grpc=//p' "$work/gw")" --gateway_pid="$gw" \
  --sandbox_https="$https" --sandbox_http="$http" --ca_file="$ca" \
  --seconds="${1:-5}" --concurrency="${2:-1,16,64}"
