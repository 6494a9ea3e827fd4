#!/usr/bin/env bash
# Crash test: callbacks that the gateway acknowledged (HTTP 200) but had not yet turned into
# events survive `kill -9`; after a restart, a reader resuming from its cursor gets every event
# after it, in order, each once. Real binaries, ports picked by the OS.
set -euo pipefail
source tests/polyglot/helpers.sh
gateway="$1"; sandbox="$2"
google_protos="$(dirname "$(dirname "$(runfile "$3")")")"
health_proto="$(runfile "$4")"
work="${TEST_TMPDIR:-$(mktemp -d)}"
gen_python "$work/gen"

export BARION_POS_KEY="$(openssl rand -hex 16)"
cleanup() { kill -9 "${gw_pid:-}" "${sb_pid:-}" 2>/dev/null || true; }
trap cleanup EXIT

start_sandbox "$sandbox" "$work" --rate_limit=false

mkdir -p "$work/gateway"
start_gateway() {
  rm -f "$work/gateway.addr"
  (cd "$work/gateway" && exec "$OLDPWD/$gateway" --grpc_address=127.0.0.1:0 \
     --callback_address=127.0.0.1:0 --admin_address=127.0.0.1:0 --addresses_file="$work/gateway.addr" \
     --barion_base_url="$https" --barion_ca_file="$ca") >>"$work/gateway.log" 2>&1 &
  gw_pid=$!
  await_file "$work/gateway.addr"
  grpc=$(sed -n 's/^grpc=//p' "$work/gateway.addr")
}

start_gateway
read -r cursor ids < <(/usr/bin/python3 tests/e2e/crash_test.py phase1 "$grpc" "$http" "$work/gen")
[ -n "${ids:-}" ] || { echo "FAIL: phase 1"; exit 1; }
kill -9 "$gw_pid"
wait "$gw_pid" 2>/dev/null || true
curl -fsS -X DELETE "$http/_sandbox/faults" >/dev/null  # Barion answers again

start_gateway
# shellcheck disable=SC2086
/usr/bin/python3 tests/e2e/crash_test.py phase2 "$grpc" "$http" "$cursor" $ids "$work/gen"
