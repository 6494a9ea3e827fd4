#!/usr/bin/env bash
# The audit log on a real, small file system that fills up (a 64 KiB tmpfs), with the real
# binaries: StartPayments are answered OK while their records fit, then refused with
# AUDIT_UNAVAILABLE before Barion is called; reads go on; every line of the file is a whole JSON
# record; the sandbox saw exactly the starts that were answered OK. Then logrotate's way of
# rotating: the file renamed, SIGHUP with a configuration that is refused, a call, both files
# checked.
set -euo pipefail
source tests/polyglot/helpers.sh
gateway="$1"; sandbox="$2"
google_protos="$(dirname "$(dirname "$(runfile "$3")")")"
health_proto="$(runfile "$4")"
work="${TEST_TMPDIR:-$(mktemp -d)}/audit-full"
mkdir -p "$work/audit"
gen_python "$work/gen"
export BARION_POS_KEY="$(openssl rand -hex 16)"
cleanup() {
  kill -9 "${gw_pid:-}" "${sb_pid:-}" 2>/dev/null || true
  umount "$work/audit" 2>/dev/null || true
}
trap cleanup EXIT
if ! mount -t tmpfs -o size=64k,mode=0700 tmpfs "$work/audit" 2>"$work/mount.err"; then
  echo "FAIL: cannot mount a small tmpfs for the audit log: $(cat "$work/mount.err")"; exit 1
fi

start_sandbox "$sandbox" "$work" --rate_limit=false
cat >"$work/gateway.textproto" <<CONFIG
shops {
  name: "demo" pos_key_env: "BARION_POS_KEY" payee: "demo-shop@sandbox.local"
  defaults { redirect_url: "https://shop.example/return" locale: "hu-HU" }
}
data_dir: "gateway"
audit { path: "$work/audit/audit.log" }
CONFIG
mkdir -p "$work/gateway"
start_gateway_with_config "$gateway" "$work" "$work/gateway.textproto"
[ -n "$grpc" ] || { echo "FAIL: the gateway did not start"; cat "$work/gateway.log"; exit 1; }

stats() { curl -s "$http/_sandbox/stats"; }
before=$(stats | sed -n 's/.*"requests":\([0-9]*\).*/\1/p')
/usr/bin/python3 tests/e2e/audit_full_test.py fill "$grpc" "$work/gen" >"$work/fill.out" || {
  cat "$work/fill.out"; exit 1; }
cat "$work/fill.out"
after=$(stats | sed -n 's/.*"requests":\([0-9]*\).*/\1/p')
ok=$(sed -n 's/^ok=//p' "$work/fill.out")
reads=$(sed -n 's/^reads=//p' "$work/fill.out")
# Barion saw each start that was answered OK and each read, and nothing of the refused starts.
[ "$((after - before))" -eq "$((ok + reads))" ] ||
  { echo "FAIL: Barion got $((after - before)) requests for $ok starts and $reads reads"; exit 1; }
/usr/bin/python3 tests/e2e/audit_full_test.py check "$work/audit/audit.log" "$ok"
curl -s "http://$(sed -n 's/^admin=//p' "$work/gateway.addr")/metrics" >"$work/metrics"
grep -q '^barion_gateway_audit_writable 0' "$work/metrics" ||
  { echo "FAIL: barion_gateway_audit_writable is not 0"; grep audit "$work/metrics"; exit 1; }
grep -Eq '^barion_gateway_audit_records_total\{result="lost"\} [1-9]' "$work/metrics" ||
  { echo "FAIL: no lost records counted"; grep audit "$work/metrics"; exit 1; }

# logrotate: move the full file away (room again), then SIGHUP with a configuration the
# gateway refuses; it still continues in a new file.
mv "$work/audit/audit.log" "$work/audit.log.1"
echo 'shops { name: ' >"$work/gateway.textproto"
kill -HUP "$gw_pid"
for _ in $(seq 100); do grep -q "reload refused" "$work/gateway.log" && break; sleep 0.05; done
grep -q "reload refused" "$work/gateway.log" || { echo "FAIL: the broken reload was not refused"; exit 1; }
/usr/bin/python3 tests/e2e/audit_full_test.py start "$grpc" "$work/gen"
kill -TERM "$gw_pid"; wait "$gw_pid" || true
/usr/bin/python3 tests/e2e/audit_full_test.py rotated "$work/audit.log.1" "$work/audit/audit.log"
for secret in "$BARION_POS_KEY"; do
  if grep -rqF "$secret" "$work"/*.log "$work"/*.out "$work/audit" "$work/audit.log.1"; then
    echo "FAIL: a secret in the output"; exit 1
  fi
done
echo "PASS"
