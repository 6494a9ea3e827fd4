#!/usr/bin/env bash
# Webhooks from three replicas sharing one PostgreSQL (docs/WEBHOOKS.md, docs/SCALING.md), real
# processes: one replica at a time holds the endpoint's claim and delivers, so while all live
# each event goes out once; the delivering replica is SIGKILLed mid-delivery, another takes the
# claim over after its lease and delivers the rest: no event missing at the receiver, a repeat
# only with the same webhook-id. PostgreSQL is Debian's, in a temporary folder (tools/pg_local.sh).
set -euo pipefail
source tests/polyglot/helpers.sh
source tests/e2e/replicas.sh
gateway="$1"; sandbox="$2"
google_protos="$(dirname "$(dirname "$(runfile "$3")")")"
health_proto="$(runfile "$4")"
work="${TEST_TMPDIR:-$(mktemp -d)}"
gen_python "$work/gen"
pg=$(mktemp -d /tmp/barion-webhooks-pg-XXXXXX)  # the postgres user must be able to enter it

export BARION_POS_KEY="$(openssl rand -hex 16)"
export HOOK_SECRET="whsec_$(head -c 32 /dev/urandom | base64)"
pids=()
cleanup() {
  kill -9 "${pids[@]}" "${sb_pid:-}" "${lb_pid:-}" "${rc_pid:-}" 2>/dev/null || true
  bash tools/pg_local.sh stop "$pg" 2>/dev/null || true
  rm -rf "$pg"
}
trap cleanup EXIT
fail() {
  echo "FAIL: $*"
  for i in 1 2 3; do echo "--- replica $i"; tail -10 "$work/r$i.log"; done
  exit 1
}

dsn=$(bash tools/pg_local.sh start "$pg" --fast | sed -n 's/^dsn=//p')
start_sandbox "$sandbox" "$work" --rate_limit=false
start_balancer
# The receiver answers the first 8 deliveries and holds the rest until the holder was killed.
/usr/bin/python3 tests/e2e/webhook_crash_test.py receiver "$work/receiver.port" \
  "$work/received.jsonl" 8 "$work/release" &
rc_pid=$!
await_file "$work/receiver.port"

webhook_config=$(cat <<CONFIG
webhooks {
  endpoints {
    name: "crm" url: "http://127.0.0.1:$(cat "$work/receiver.port")/hook"
    secret_env: "HOOK_SECRET" max_in_flight: 2
  }
  retry_delays { nanos: 200000000 }
}
CONFIG
)
start_replicas "$dsn" "$webhook_config" || exit 1

/usr/bin/python3 tests/e2e/webhook_crash_test.py drive "$(grpc_of 1)" "$http" 40 "$work/gen"
for _ in $(seq 1500); do
  [ "$(/usr/bin/python3 tests/e2e/webhook_crash_test.py received "$work/received.jsonl")" -ge 8 ] && break
  sleep 0.02
done
# The replica that delivers: the one whose metrics count the endpoint's deliveries.
holder=""
for i in 1 2 3; do
  curl -fsS "http://$(admin_of "$i")/metrics" >"$work/metrics.$i"
  if grep -q 'barion_gateway_webhook_attempts_total{endpoint="crm",result="delivered"} [1-9]' \
     "$work/metrics.$i"; then
    [ -z "$holder" ] || fail "replicas $holder and $i both deliver the endpoint"
    holder=$i
  fi
done
[ -n "$holder" ] || fail "no replica delivers the endpoint"
killed_at=$(date +%s.%N)
kill -9 "${pids[$((holder - 1))]}"
before=$(/usr/bin/python3 tests/e2e/webhook_crash_test.py received "$work/received.jsonl")
[ "$before" -ge 8 ] || fail "only $before deliveries arrived before the kill"
[ "$before" -lt 40 ] || fail "every delivery arrived before the kill: nothing tested"
touch "$work/release"
survivor=$(( holder % 3 + 1 ))
/usr/bin/python3 tests/e2e/webhook_crash_test.py check "$(grpc_of "$survivor")" \
  "$work/received.jsonl" "$work/gen" "$killed_at" || fail "check"
echo "webhook replicas: replica $holder delivered until killed; another took the claim over"
