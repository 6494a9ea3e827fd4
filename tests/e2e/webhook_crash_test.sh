#!/usr/bin/env bash
# Webhook crash test: the gateway is SIGKILLed while deliveries are in flight; restarted on the
# same data folder it delivers every event of the log: none missing, a repeat only with the
# same webhook-id, each payment's events first received in log order. Real binaries, a Python
# receiver that answers the first 8 deliveries and holds the rest until the gateway was killed
# (so deliveries are in flight at the kill on any machine, however loaded).
set -euo pipefail
source tests/polyglot/helpers.sh
gateway="$1"; sandbox="$2"
google_protos="$(dirname "$(dirname "$(runfile "$3")")")"
health_proto="$(runfile "$4")"
work="${TEST_TMPDIR:-$(mktemp -d)}"
gen_python "$work/gen"

export BARION_POS_KEY="$(openssl rand -hex 16)"
export HOOK_SECRET="whsec_$(head -c 32 /dev/urandom | base64)"
cleanup() { kill -9 "${gw_pid:-}" "${sb_pid:-}" "${rc_pid:-}" 2>/dev/null || true; }
trap cleanup EXIT
start_sandbox "$sandbox" "$work" --rate_limit=false

/usr/bin/python3 tests/e2e/webhook_crash_test.py receiver "$work/receiver.port" \
  "$work/received.jsonl" 8 "$work/release" &
rc_pid=$!
await_file "$work/receiver.port"
cat >"$work/gateway.textproto" <<CONFIG
shops {
  name: "demo" pos_key_env: "BARION_POS_KEY" payee: "demo-shop@sandbox.local"
  defaults { redirect_url: "http://127.0.0.1:8080/payment/return" locale: "en-US" }
}
data_dir: "gateway-data"
callback_public_base_url: "listener"
webhooks {
  endpoints {
    name: "crm" url: "http://127.0.0.1:$(cat "$work/receiver.port")/hook"
    secret_env: "HOOK_SECRET" max_in_flight: 2
  }
  retry_delays { nanos: 200000000 }
}
CONFIG
start_gateway_with_config "$gateway" "$work" "$work/gateway.textproto"
/usr/bin/python3 tests/e2e/webhook_crash_test.py drive "$grpc" "$http" 40 "$work/gen"
# Kill it once 8 deliveries arrived (the receiver holds the others, in flight).
for _ in $(seq 1500); do
  [ "$(/usr/bin/python3 tests/e2e/webhook_crash_test.py received "$work/received.jsonl")" -ge 8 ] && break
  sleep 0.02
done
kill -9 "$gw_pid"
wait "$gw_pid" 2>/dev/null || true
before=$(/usr/bin/python3 tests/e2e/webhook_crash_test.py received "$work/received.jsonl")
rm -f "$work/gateway.addr"
[ "$before" -ge 8 ] || { echo "FAIL: only $before deliveries arrived before the kill"; exit 1; }
[ "$before" -lt 40 ] || { echo "FAIL: every delivery arrived before the kill: nothing tested"; exit 1; }
touch "$work/release"
start_gateway_with_config "$gateway" "$work" "$work/gateway.textproto"
/usr/bin/python3 tests/e2e/webhook_crash_test.py check "$grpc" "$work/received.jsonl" "$work/gen"
