#!/usr/bin/env bash
# barionctl against the real gateway and sandbox binaries: a payment from start to a Succeeded
# event, human and JSON output, errors with Barion's reason, and the exit codes
# (0 ok, 2 usage, 3 refused, 4 unavailable).
set -euo pipefail
source tests/polyglot/gen_python.sh
gateway="$1"; sandbox="$2"; ctl="$3"
work="${TEST_TMPDIR:-$(mktemp -d)}"
export BARION_POS_KEY="$(openssl rand -hex 16)"
cleanup() { kill "${gw_pid:-}" "${sb_pid:-}" 2>/dev/null || true; }
trap cleanup EXIT
fail() { echo "FAIL: $*"; exit 1; }
start_sandbox "$sandbox" "$work"
start_gateway "$gateway" "$work"
ctl() { "$ctl" --gateway "$grpc" "$@"; }
code() { set +e; "$@" >"$work/out" 2>"$work/err"; local c=$?; set -e; echo "$c"; }

# Help and usage errors.
ctl --help | grep -q "Commands:" || fail "no help"
ctl watch --help | grep -q -- "--from CURSOR" || fail "no watch help"
[ "$(code ctl frobnicate)" = 2 ] || fail "unknown command must exit 2"
[ "$(code ctl start)" = 2 ] || fail "start without --amount must exit 2"
grep -q -- "--amount is required" "$work/err" || fail "usage error not explained"

# A payment from start to a Succeeded event.
ctl --output json start --amount 1500 --request-id ctl-1 >"$work/start.json"
payment=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["paymentId"])' "$work/start.json")
[ -n "$payment" ] || fail "no payment id"
ctl state --payment "$payment" | grep -Eq "^status +PAYMENT_STATUS_PREPARED" || fail "state table"
curl -fsS -X POST -d '{}' "$http/_sandbox/payments/$payment/pay" >/dev/null
ctl watch --from 0 --payment "$payment" --count 1 >"$work/watch.out"
grep -Eq "$payment +- -> Succeeded +1500 HUF" "$work/watch.out" || fail "watch line: $(cat "$work/watch.out")"
ctl --output json events --payment "$payment" | python3 -c '
import json, sys
lines = [json.loads(l) for l in sys.stdin if l.strip()]
assert len(lines) == 1 and lines[0]["snapshot"]["status"] == "PAYMENT_STATUS_SUCCEEDED", lines'

# A full request from --json -.
echo '{"paymentId":"'"$payment"'"}' | ctl --output json state --json - >/dev/null 2>&1 || true
[ "$(code ctl finish --payment "$payment" --transaction x --amount 1 --json /nonexistent)" = 2 ] \
  || fail "unreadable --json must exit 2"

# Refusals show Barion's reason and exit 3; an unreachable gateway exits 4.
[ "$(code ctl state --payment 0123456789abcdef0123456789abcdef)" = 3 ] || fail "unknown payment must exit 3"
grep -q "reason: NotExistingPaymentId" "$work/err" || fail "reason not shown: $(cat "$work/err")"
[ "$(code ctl start --amount 15.5)" = 3 ] || fail "HUF decimals must exit 3"
grep -q "field transactions\[0\].total" "$work/err" || fail "field not shown: $(cat "$work/err")"
[ "$(code "$ctl" --gateway 127.0.0.1:1 --timeout 2 state --payment "$payment")" = 4 ] \
  || fail "unreachable gateway must exit 4"
echo "barionctl: ok"
