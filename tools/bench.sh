#!/usr/bin/env bash
# Benchmark: StartPayment + GetPaymentState through the gateway vs. directly against the
# sandbox, 1/16/64 concurrent clients, in one run (docs/PERFORMANCE.md records the figures).
# Usage: tools/bench.sh [seconds per phase, default 5] [concurrency list, default 1,16,64]
set -euo pipefail
source "$(dirname "$0")/bench_env.sh"
bench_setup //server:barion_gateway //sandbox:barion_sandbox //tools:bench
bench_sandbox
bench_gateway --grpc_address=127.0.0.1:0 --callback_address=127.0.0.1:0 \
  --barion_base_url="$https" --barion_ca_file="$ca"
echo "build: -c ${BENCH_MODE:-opt}; gateway, sandbox and clients share the machine"
${BENCH_WRAP:-} bazel-bin/tools/bench --gateway="$(sed -n 's/^grpc=//p' "$work/gw")" --gateway_pid="$gw" \
  --sandbox_https="$https" --sandbox_http="$http" --ca_file="$ca" \
  --seconds="${1:-5}" --concurrency="${2:-1,16,64}"
