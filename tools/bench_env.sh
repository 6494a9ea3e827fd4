# Sourced by the benchmark scripts. bench_setup TARGETS...: installs what is missing, builds
# TARGETS with -c opt, makes $work (removed on exit, with the processes $gw and $sb killed) and
# a random POSKey. bench_sandbox [FLAGS...]: starts the sandbox on free ports; sets sb, https,
# http, ca. bench_gateway FLAGS...: starts the gateway with its log in $work/gateway.log; sets gw
# and waits for its addresses file $work/gw (BENCH_GATEWAY_BIN: another gateway binary, such as
# one built from an earlier commit, to compare before and after in one run). bench_event_config DATA_DIR: the configuration of a
# gateway for the event benchmarks (the sandbox's, free ports, no reconciliation during the run,
# streams unlimited per client) on standard output.
bench_setup() {
  cd "$(dirname "${BASH_SOURCE[0]}")/.."
  bash tools/install_deps.sh
  # BENCH_MODE=fastbuild: the smoke run in tools/test.sh reuses the test build.
  bazel build -c "${BENCH_MODE:-opt}" "$@" >/dev/null 2>&1 || bazel build -c "${BENCH_MODE:-opt}" "$@"
  work=$(mktemp -d)
  export BARION_POS_KEY="$(openssl rand -hex 16)"
  trap 'kill "${gw:-}" "${sb:-}" 2>/dev/null || true; rm -rf "$work"' EXIT
  trap 'echo "bench failed; gateway log tail:" >&2; tail -20 "$work/gateway.log" >&2 || true' ERR
}

bench_sandbox() {
  bazel-bin/sandbox/barion_sandbox --http_address=127.0.0.1:0 --https_address=127.0.0.1:0 \
    --data_dir="$work/sandbox" --addresses_file="$work/sb" --rate_limit=false "$@" \
    >/dev/null 2>&1 &
  sb=$!
  for _ in $(seq 100); do [ -s "$work/sb" ] && break; sleep 0.05; done
  https=$(sed -n 's/^https=//p' "$work/sb")
  http=$(sed -n 's/^http=//p' "$work/sb")
  ca=$(sed -n 's/^ca=//p' "$work/sb")
}

bench_gateway() {
  local binary="${BENCH_GATEWAY_BIN:-$PWD/bazel-bin/server/barion_gateway}"
  (cd "$work" && exec "$binary" --addresses_file="$work/gw" \
    --log_calls=false "$@") >"$work/gateway.log" 2>&1 &
  gw=$!
  for _ in $(seq 100); do [ -s "$work/gw" ] && break; sleep 0.05; done
  echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
}

bench_event_config() {
  cat <<CONFIG
shops { name: "demo" pos_key_env: "BARION_POS_KEY" payee: "demo-shop@sandbox.local" }
barion { base_url: "$https" ca_file: "$ca" }
listen { grpc_address: "127.0.0.1:0" callback_address: "127.0.0.1:0" admin_address: "127.0.0.1:0" }
data_dir: "$1"
callback_public_base_url: "listener"
reconciliation { first_check { seconds: 3600 } max_interval { seconds: 3600 } }
# Every stream of the benchmark comes from 127.0.0.1: one client as the gateway counts them.
subscriptions { max_subscribers_per_client: 100000 max_subscribers: 100000 }
CONFIG
}
