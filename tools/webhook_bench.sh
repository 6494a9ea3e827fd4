#!/usr/bin/env bash
# Benchmark: webhook delivery (tools/webhook_bench.cc) with the real gateway and sandbox;
# docs/PERFORMANCE.md records the figures.
# Usage: tools/webhook_bench.sh [more webhook_bench flags, e.g. --seconds=2 --endpoints=10]
set -euo pipefail
source "$(dirname "$0")/bench_env.sh"
bench_setup //server:barion_gateway //sandbox:barion_sandbox //tools:webhook_bench
bench_sandbox --time_scale=1000
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
echo "build: -c ${BENCH_MODE:-opt}; gateway, sandbox and the benchmark's receivers share the machine;"
echo "store: SQLite WAL (events synchronous=FULL, webhook positions NORMAL) on $(df -h "$work" | awk 'NR==2{print $1}')"
bazel-bin/tools/webhook_bench --gateway_binary="$PWD/bazel-bin/server/barion_gateway" \
  --sandbox_http="$http" --sandbox_https="$https" --ca="$ca" "$@"
