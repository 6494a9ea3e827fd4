#!/usr/bin/env bash
# Benchmark: what one barionctl invocation costs end to end (process start, channel, RPC through
# the gateway to the sandbox, output), median of N runs each (docs/PERFORMANCE.md).
# Usage: tools/ctl_bench.sh [runs per command, default 31]
set -euo pipefail
source "$(dirname "$0")/bench_env.sh"
bench_setup //server:barion_gateway //sandbox:barion_sandbox //client:barionctl
export BARION_WALLET_API_KEY="$(openssl rand -hex 16)"
bench_sandbox
bench_gateway --grpc_address=127.0.0.1:0 --callback_address=127.0.0.1:0 --admin_address=127.0.0.1:0 \
  --barion_base_url="$https" --barion_ca_file="$ca"
grpc=$(sed -n 's/^grpc=//p' "$work/gw")
echo "build: -c ${BENCH_MODE:-opt}; gateway, sandbox and barionctl share the machine"
python3 - "${1:-31}" bazel-bin/client/barionctl "$grpc" "$work" <<'PY'
import statistics, subprocess, sys, time
runs, ctl, grpc, work = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
def median_ms(args):
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([ctl, "--gateway", grpc] + args, check=True, stdout=subprocess.DEVNULL)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)
base = median_ms(["--help"])
rows = [("--help (no RPC)", base)]
for name, args in [
    ("start --amount 1500", ["start", "--amount", "1500"]),
    ("wallet accounts", ["wallet", "accounts"]),
    ("wallet statement (300 KiB)", ["wallet", "statement", "--year", "2025", "--month", "12",
                                    "--out", work + "/s.pdf"]),
]:
    rows.append((name, median_ms(args)))
for name, ms in rows:
    print(f"{name:30s} median {ms:6.1f} ms  ({ms / base:4.2f}x --help)  over {runs} runs")
PY
