#!/usr/bin/env bash
# Benchmark: StartPayment + GetPaymentState through the gateway vs. directly against the
# sandbox, 1/16/64 concurrent clients, in one run (docs/PERFORMANCE.md records the figures).
# Usage: tools/bench.sh [seconds per phase, default 5] [concurrency list, default 1,16,64]
# With BENCH_SECURE=1, a second gateway serves the same calls over mTLS, authenticating and
# authorizing each (a PKI made here by openssl, one caller): rows "mtls" and their ratios.
# With BENCH_METRICS=1, two more plaintext gateways run alike but for listen.disable_metrics:
# the line "metrics on/off" gives the gateway CPU per call with metrics over without (medians of
# alternated rounds; BENCH_METRICS_ROUNDS, default 3).
set -euo pipefail
source "$(dirname "$0")/bench_env.sh"
bench_setup //server:barion_gateway //sandbox:barion_sandbox //tools:bench
bench_sandbox
# Every gateway of the bench has reconciliation an hour off: otherwise, a minute into the run,
# the reconciler starts polling each payment the earlier phases started (thousands), and the
# later phases measure that background work too (it made the CPU per call grow with each phase).
cat >"$work/gateway.textproto" <<CONFIG
shops { name: "demo" pos_key_env: "BARION_POS_KEY" payee: "demo-shop@sandbox.local" }
reconciliation { first_check { seconds: 3600 } }
data_dir: "data"
CONFIG
bench_gateway --config="$work/gateway.textproto" --grpc_address=127.0.0.1:0 \
  --callback_address=127.0.0.1:0 --admin_address=127.0.0.1:0 --barion_base_url="$https" \
  --barion_ca_file="$ca"
extra_flags=()
if [ "${BENCH_SECURE:-}" = "1" ]; then
  pki="$work/pki"; mkdir -p "$work/secure"
  source tools/pki.sh
  make_pki "$pki" gateway=DNS:localhost,IP:127.0.0.1 client=URI:spiffe://bench.example/client
  cat >"$work/secure/gateway.textproto" <<CONFIG
shops { name: "demo" pos_key_env: "BARION_POS_KEY" payee: "demo-shop@sandbox.local" }
listen {
  tls_cert_file: "$pki/gateway.pem" tls_key_file: "$pki/gateway-key.pem"
  tls_client_ca_file: "$pki/ca.pem" client_certificates: CLIENT_CERTIFICATES_REQUIRE
}
data_dir: "data"
reconciliation { first_check { seconds: 3600 } }
callers {
  name: "bench" principals: "spiffe://bench.example/client"
  allow_methods: "/barion.v1.PaymentService/*" deny_methods: "/barion.v1.PaymentService/Refund"
  shops: "demo"
}
CONFIG
  (cd "$work/secure" && exec "$OLDPWD/bazel-bin/server/barion_gateway" \
    --config="$work/secure/gateway.textproto" --addresses_file="$work/secure/gw" \
    --log_calls=false --grpc_address=127.0.0.1:0 --callback_address=127.0.0.1:0 --admin_address=127.0.0.1:0 \
    --barion_base_url="$https" --barion_ca_file="$ca") >"$work/secure/gateway.log" 2>&1 &
  secure_gw=$!
  trap 'kill "${gw:-}" "${sb:-}" "${secure_gw:-}" 2>/dev/null || true; rm -rf "$work"' EXIT
  for _ in $(seq 100); do [ -s "$work/secure/gw" ] && break; sleep 0.05; done
  extra_flags+=(--secure_gateway="$(sed -n 's/^grpc=//p' "$work/secure/gw")"
                --secure_gateway_pid="$secure_gw" --client_ca="$pki/ca.pem"
                --client_cert="$pki/client.pem" --client_key="$pki/client-key.pem")
fi
if [ "${BENCH_METRICS:-}" = "1" ]; then
  # Two more gateways, configured alike (reconciliation far off, so no background polling of
  # the payments the bench starts lands in a measured window) but for listen.disable_metrics.
  metrics_pids=()
  for mode in on off; do
    mkdir -p "$work/metrics_$mode"
    cat >"$work/metrics_$mode/gateway.textproto" <<CONFIG
shops { name: "demo" pos_key_env: "BARION_POS_KEY" payee: "demo-shop@sandbox.local" }
listen { disable_metrics: $([ "$mode" = off ] && echo true || echo false) }
reconciliation { first_check { seconds: 3600 } }
data_dir: "data"
CONFIG
    (cd "$work/metrics_$mode" && exec "$OLDPWD/bazel-bin/server/barion_gateway" \
      --config="$work/metrics_$mode/gateway.textproto" --addresses_file="$work/metrics_$mode/gw" \
      --log_calls=false --grpc_address=127.0.0.1:0 --callback_address=127.0.0.1:0 \
      --admin_address=127.0.0.1:0 --barion_base_url="$https" --barion_ca_file="$ca") \
      >"$work/metrics_$mode/gateway.log" 2>&1 &
    metrics_pids+=($!)
    for _ in $(seq 100); do [ -s "$work/metrics_$mode/gw" ] && break; sleep 0.05; done
    extra_flags+=(--metrics_${mode}_gateway="$(sed -n 's/^grpc=//p' "$work/metrics_$mode/gw")"
                   --metrics_${mode}_gateway_pid="${metrics_pids[-1]}")
  done
  extra_flags+=(--metrics_rounds="${BENCH_METRICS_ROUNDS:-3}")
  trap 'kill "${gw:-}" "${sb:-}" "${secure_gw:-}" "${metrics_pids[@]}" 2>/dev/null || true; rm -rf "$work"' EXIT
fi
echo "build: -c ${BENCH_MODE:-opt}; gateway, sandbox and clients share the machine"
${BENCH_WRAP:-} bazel-bin/tools/bench --gateway="$(sed -n 's/^grpc=//p' "$work/gw")" --gateway_pid="$gw" \
  "${extra_flags[@]}" \
  --sandbox_https="$https" --sandbox_http="$http" --ca_file="$ca" \
  --seconds="${1:-5}" --concurrency="${2:-1,16,64}"
