#!/usr/bin/env bash
# Caller identity with the real binaries: the gateway refuses to start on a non-loopback address
# without callers; SIGHUP reloads the callers (a token replaced: the old one refused, the new one
# accepted, no restart); a reload of a broken file is refused and the running policy stays.
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

# 1. Secure by default: no callers on 0.0.0.0 is refused at start.
if "$gateway" --grpc_address=0.0.0.0:0 --callback_address=127.0.0.1:0 --admin_address=127.0.0.1:0 \
     >"$work/exposed.out" 2>"$work/exposed.log"; then
  echo "FAIL: the gateway started on 0.0.0.0 without callers"; exit 1
fi
grep -q "callers are required" "$work/exposed.log" ||
  { echo "FAIL: no reason given:"; cat "$work/exposed.log"; exit 1; }

start_sandbox "$sandbox" "$work" --rate_limit=false
old_token="$(openssl rand -hex 32)"; new_token="$(openssl rand -hex 32)"
printf '%s\n' "$old_token" >"$work/app.token"
write_config() {  # $1: the token file of caller "app"
  cat >"$work/gateway.textproto.new" <<CONFIG
shops { name: "demo" pos_key_env: "BARION_POS_KEY" payee: "demo-shop@sandbox.local" }
data_dir: "gateway"
callers { name: "app" token_file: "$1" allow_methods: "*" shops: "demo" }
CONFIG
  mv "$work/gateway.textproto.new" "$work/gateway.textproto"
}
write_config app.token
start_gateway_with_config "$gateway" "$work" "$work/gateway.textproto"

check() {  # $1: token, $2: the expected outcome (passed | UNAUTHENTICATED)
  /usr/bin/python3 tests/e2e/reload_test.py "$grpc" "$1" "$2" "$work/gen"
}
await_log() {  # waits (5 s at most) until gateway.log has $1 $2 times
  for _ in $(seq 100); do
    [ "$(grep -c "$1" "$work/gateway.log" || true)" -ge "$2" ] && return 0
    sleep 0.05
  done
  echo "FAIL: no '$1' in the log:"; cat "$work/gateway.log"; exit 1
}
check "$old_token" passed
check "$new_token" UNAUTHENTICATED

# 2. The token is replaced in the file; SIGHUP.
printf '%s\n' "$new_token" >"$work/new.token"
write_config new.token
kill -HUP "$gw_pid"
await_log "configuration reloaded" 1
check "$old_token" UNAUTHENTICATED
check "$new_token" passed

# 3. A broken file: refused, the running policy stays.
echo 'callers { name: "app" token_file: ' >"$work/gateway.textproto"
kill -HUP "$gw_pid"
await_log "reload refused" 1
check "$new_token" passed
kill -0 "$gw_pid"  # still running

kill -TERM "$gw_pid"; wait "$gw_pid"
for secret in "$old_token" "$new_token" "$BARION_POS_KEY"; do
  if grep -qF "$secret" "$work"/*.log "$work"/*.out "$work/gateway/audit.log" 2>/dev/null; then
    echo "FAIL: a secret in the output"; exit 1
  fi
done
echo "PASS"
