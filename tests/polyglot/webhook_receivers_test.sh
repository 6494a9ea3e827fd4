#!/usr/bin/env bash
# The gateway's webhooks verified by independent implementations: the Node receiver
# (examples/webhooks/receiver.js, npm standardwebhooks) and the PHP one
# (examples/webhooks/receiver.php, hash_hmac + hash_equals) receive a payment's event from the
# real gateway and sandbox and verify it; one PHP receiver knows only the previous secret of a
# rotation and still verifies; an endpoint signing with a secret the receiver does not know is
# rejected (and dead-lettered by the gateway). Both receivers reject a tampered body, a wrong
# secret and an old timestamp.
set -euo pipefail
source tests/polyglot/helpers.sh
gateway="$1"; sandbox="$2"; ctl="$3"
node_modules="$(cd "$(dirname "$(runfile "$4")")/.." && pwd)"
work="${TEST_TMPDIR:-$(mktemp -d)}"
fail() { echo "FAIL: $*"; for f in "$work"/*.log "$work"/*.out; do echo "== $f"; tail -5 "$f"; done; exit 1; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
secret() { echo "whsec_$(head -c 32 /dev/urandom | base64)"; }

export BARION_POS_KEY="$(openssl rand -hex 16)"
export HOOK_SECRET="$(secret)" OLD_SECRET="$(secret)" OTHER_SECRET="$(secret)"
cleanup() { kill "${gw_pid:-}" "${sb_pid:-}" "${node_pid:-}" "${php_pid:-}" "${php_old_pid:-}" 2>/dev/null || true; }
trap cleanup EXIT
start_sandbox "$sandbox" "$work"

node_port=$(free_port); php_port=$(free_port); php_old_port=$(free_port)
WEBHOOK_SECRET="$HOOK_SECRET" NODE_PATH="$node_modules" node examples/webhooks/receiver.js \
  "$node_port" >"$work/node.out" 2>"$work/node.log" &
node_pid=$!
WEBHOOK_SECRET="$HOOK_SECRET" WEBHOOK_LOG="$work/php.jsonl" \
  php -S "127.0.0.1:$php_port" examples/webhooks/receiver.php >"$work/php.log" 2>&1 &
php_pid=$!
WEBHOOK_SECRET="$OLD_SECRET" WEBHOOK_LOG="$work/php-old.jsonl" \
  php -S "127.0.0.1:$php_old_port" examples/webhooks/receiver.php >"$work/php-old.log" 2>&1 &
php_old_pid=$!
for _ in $(seq 100); do grep -q listening "$work/node.out" 2>/dev/null && break; sleep 0.05; done
for port in "$php_port" "$php_old_port"; do
  for _ in $(seq 100); do curl -s -o /dev/null "http://127.0.0.1:$port/" && break; sleep 0.05; done
done

cat >"$work/gateway.textproto" <<CONFIG
shops {
  name: "demo" pos_key_env: "BARION_POS_KEY" payee: "demo-shop@sandbox.local"
  defaults { redirect_url: "http://127.0.0.1:8080/payment/return" locale: "en-US" }
}
data_dir: "gateway-data"
callback_public_base_url: "listener"
webhooks {
  endpoints { name: "node" url: "http://127.0.0.1:$node_port/hook" secret_env: "HOOK_SECRET" }
  endpoints { name: "php" url: "http://127.0.0.1:$php_port/hook" secret_env: "HOOK_SECRET" }
  endpoints {
    name: "php-rotating" url: "http://127.0.0.1:$php_old_port/hook"
    secret_env: "HOOK_SECRET" previous_secret_env: "OLD_SECRET"
  }
  endpoints { name: "wrong-secret" url: "http://127.0.0.1:$node_port/wrong" secret_env: "OTHER_SECRET" }
  retry_delays { nanos: 100000000 }
}
CONFIG
start_gateway_with_config "$gateway" "$work" "$work/gateway.textproto"

"$ctl" --gateway "$grpc" --output json start --amount 1500 >"$work/start.json"
payment=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["paymentId"])' "$work/start.json")
curl -fsS -X POST -d '{}' "$http/_sandbox/payments/$payment/pay" >/dev/null

has_event() { grep -q "\"paymentId\":\"$payment\",\"status\":\"PAYMENT_STATUS_SUCCEEDED\"" "$1" 2>/dev/null; }
for _ in $(seq 200); do
  has_event "$work/node.out" && has_event "$work/php.jsonl" && has_event "$work/php-old.jsonl" && break
  sleep 0.05
done
has_event "$work/node.out" || fail "the Node receiver did not verify the event"
has_event "$work/php.jsonl" || fail "the PHP receiver did not verify the event"
has_event "$work/php-old.jsonl" || fail "the PHP receiver with the previous secret did not verify it"
# Each endpoint has its own webhook-ids (one receiver behind two endpoints can tell them apart).
node_id=$(grep -o '"id":"msg_[0-9a-f]*"' "$work/node.out" | head -1)
php_id=$(grep -o '"id":"msg_[0-9a-f]*"' "$work/php.jsonl" | head -1)
[ -n "$node_id" ] && [ "$node_id" != "$php_id" ] || fail "webhook-ids: $node_id $php_id"
# A delivery signed with a secret the receiver does not know is rejected: the first attempt and
# the one retry the schedule has.
for _ in $(seq 100); do [ "$(grep -c "^rejected" "$work/node.out")" -ge 2 ] && break; sleep 0.05; done
[ "$(grep -c "^rejected" "$work/node.out")" -eq 2 ] || fail "wrong secret: $(grep -c '^rejected' "$work/node.out") rejections"

# barionctl's webhook commands.
ctl() { "$ctl" --gateway "$grpc" "$@"; }
ctl webhooks list >"$work/list.out" || fail "webhooks list"
grep -Eq "^node +yes +0 +0 " "$work/list.out" || fail "list: $(cat "$work/list.out")"
grep -Eq "^wrong-secret +yes +[0-9]+ +1 " "$work/list.out" || fail "list: $(cat "$work/list.out")"
ctl --output json webhooks deliveries --endpoint wrong-secret >"$work/deliveries.json"
cursor=$(python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))["deliveries"]
assert len(d) == 1 and d[0]["state"] == "WEBHOOK_DELIVERY_STATE_FAILED" and d[0]["attempts"] == 2, d
print(d[0]["cursor"])' "$work/deliveries.json") || fail "deliveries: $(cat "$work/deliveries.json")"
ctl webhooks retry --endpoint wrong-secret --cursor "$cursor" | grep -q "^not delivered: HTTP 400" \
  || fail "retry"
ctl webhooks test --endpoint node | grep -q "^delivered msg_test_" || fail "test delivery"
grep -q '"type":"webhook.test"' "$work/node.out" || fail "the Node receiver did not get the test"
ctl webhooks replay --endpoint php --from 0 | grep -q "^replaying php after 0" || fail "replay"
for _ in $(seq 100); do [ "$(grep -c "$payment" "$work/php.jsonl")" -ge 2 ] && break; sleep 0.05; done
[ "$(grep -c "$payment" "$work/php.jsonl")" -eq 2 ] || fail "replay did not deliver again"
[ "$(grep "$payment" "$work/php.jsonl" | grep -o '"id":"msg_[0-9a-f]*"' | sort -u | wc -l)" -eq 1 ] \
  || fail "a replayed event must keep its webhook-id"
[ "$(set +e; ctl webhooks retry --endpoint nobody --cursor 1 >/dev/null 2>&1; echo $?)" = 3 ] \
  || fail "an unknown endpoint must exit 3"
# No signing secret in anything the gateway wrote.
for s in "$HOOK_SECRET" "$OLD_SECRET" "$OTHER_SECRET" "${HOOK_SECRET#whsec_}"; do
  ! grep -qF -- "$s" "$work/gateway.log" "$work/gateway.out" || fail "a signing secret was logged"
done

# Both receivers against hand-made deliveries: valid, tampered, wrong secret, old timestamp.
python3 - "$node_port" "$php_port" <<'PY'
import base64, hashlib, hmac, json, os, sys, time, urllib.request, urllib.error
secret = os.environ["HOOK_SECRET"]
def send(port, body, key, timestamp, tamper=False):
    mid = "msg_handmade_%d" % time.time_ns()
    sig = base64.b64encode(hmac.new(base64.b64decode(key[6:]), f"{mid}.{timestamp}.{body}".encode(),
                                    hashlib.sha256).digest()).decode()
    data = (body + " ") if tamper else body
    req = urllib.request.Request(f"http://127.0.0.1:{port}/hook", data=data.encode(), method="POST",
        headers={"webhook-id": mid, "webhook-timestamp": str(timestamp),
                 "webhook-signature": "v1," + sig, "Content-Type": "application/json"})
    try:
        return urllib.request.urlopen(req, timeout=5).status
    except urllib.error.HTTPError as e:
        return e.code
body = json.dumps({"type": "webhook.test", "timestamp": "2026-12-06T00:00:00Z", "data": {}})
now = int(time.time())
wrong = "whsec_" + base64.b64encode(b"x" * 32).decode()
for port in sys.argv[1:]:
    assert send(port, body, secret, now) == 204, ("valid", port)
    assert send(port, body, secret, now, tamper=True) == 400, ("tampered", port)
    assert send(port, body, wrong, now) == 400, ("wrong secret", port)
    assert send(port, body, secret, now - 3600) == 400, ("old timestamp", port)
print("receivers: valid accepted; tampered, wrong secret and old timestamp rejected")
PY
echo "webhook receivers: Node (standardwebhooks) and PHP verified the gateway's deliveries"
