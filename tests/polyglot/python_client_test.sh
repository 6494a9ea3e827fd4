#!/usr/bin/env bash
# Polyglot end-to-end test: the real gateway and sandbox binaries (ports picked by the OS,
# addresses read from files), a Python client with stubs generated from proto/ by Debian's
# protoc + grpc_python_plugin, and a graceful SIGTERM shutdown. Also checks that the POSKey
# appears in no log line.
set -euo pipefail
source tests/polyglot/helpers.sh
gateway="$1"; sandbox="$2"
google_protos="$(dirname "$(dirname "$(runfile "$3")")")"
health_proto="$(runfile "$4")"
work="${TEST_TMPDIR:-$(mktemp -d)}"
gen="$work/gen"
gen_python "$gen"

export BARION_POS_KEY="$(openssl rand -hex 16)"
cleanup() { kill "${gw_pid:-}" "${sb_pid:-}" 2>/dev/null || true; }
trap cleanup EXIT

start_sandbox "$sandbox" "$work"

cd_data="$work/gateway"; mkdir -p "$cd_data"
(cd "$cd_data" && exec "$OLDPWD/$gateway" --grpc_address=127.0.0.1:0 --callback_address=127.0.0.1:0 --admin_address=127.0.0.1:0 \
   --addresses_file="$work/gateway.addr" --barion_base_url="$https" --barion_ca_file="$ca") \
  >"$work/gateway.out" 2>"$work/gateway.log" &
gw_pid=$!
await_file "$work/gateway.addr"
grpc=$(sed -n 's/^grpc=//p' "$work/gateway.addr")
grep -q "barion-grpc-gateway serving grpc=$grpc" "$work/gateway.out"

/usr/bin/python3 tests/polyglot/python_client.py "$grpc" "$http" "$gen"

# Graceful shutdown on SIGTERM: exits 0 promptly.
kill -TERM "$gw_pid"
for _ in $(seq 100); do kill -0 "$gw_pid" 2>/dev/null || break; sleep 0.05; done
if kill -0 "$gw_pid" 2>/dev/null; then echo "FAIL: gateway still running after SIGTERM"; exit 1; fi
wait "$gw_pid" && rc=0 || rc=$?
[ "$rc" -eq 0 ] || { echo "FAIL: gateway exit code $rc"; exit 1; }
grep -q "stopped" "$work/gateway.log"

# The POSKey is in no log or output.
if grep -rqF "$BARION_POS_KEY" "$work"/*.log "$work"/*.out; then
  echo "FAIL: the POSKey appears in a log"; exit 1
fi
echo "polyglot end-to-end: ok"
