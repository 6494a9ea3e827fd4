#!/usr/bin/env bash
# Durability, proven rather than assumed: every callback's 200 is sent only after an fsync of
# the event store that followed the previous 200 (synchronous=FULL in WAL mode fsyncs the WAL on
# each commit; with synchronous=NORMAL or OFF there would be none). The real gateway binary runs
# under strace; callbacks are sent one at a time, so each needs its own fsync before its answer.
set -euo pipefail
gateway="$1"
work="${TEST_TMPDIR:-$(mktemp -d)}/fsync"
mkdir -p "$work/gateway"
export BARION_POS_KEY="$(openssl rand -hex 16)"
cleanup() { pkill -9 -P "${gw_pid:-0}" 2>/dev/null || true; kill -9 "${gw_pid:-}" 2>/dev/null || true; }
trap cleanup EXIT

# Barion is never reached (nothing listens there); only the callbacks' answers matter.
cat >"$work/gateway.textproto" <<CONFIG
shops { name: "demo" pos_key_env: "BARION_POS_KEY" payee: "demo-shop@sandbox.local" }
barion { base_url: "http://127.0.0.1:9" }
listen { grpc_address: "127.0.0.1:0" callback_address: "127.0.0.1:0" admin_address: "127.0.0.1:0" }
data_dir: "$work/gateway/data"
CONFIG
strace -f -ff -ttt -T -y -qq -e trace=fsync,fdatasync,sendto -o "$work/trace" \
  "$gateway" --config="$work/gateway.textproto" --addresses_file="$work/gateway.addr" \
  --log_calls=false >"$work/gateway.log" 2>&1 &
gw_pid=$!
for _ in $(seq 200); do [ -s "$work/gateway.addr" ] && break; sleep 0.05; done
callback=$(sed -n 's/^callback=//p' "$work/gateway.addr" 2>/dev/null || true)
[ -n "$callback" ] || { echo "FAIL: the gateway did not start"; cat "$work/gateway.log"; exit 1; }
# The demo shop's callback secret, derived from the POSKey as the gateway does.
secret=$(printf 'barion-grpc-gateway callback secret for demo' |
         openssl dgst -sha256 -hmac "$BARION_POS_KEY" | sed 's/^.*= //')
for i in 1 2 3 4 5; do
  id=$(openssl rand -hex 16)
  code=$(curl -s -o /dev/null -w '%{http_code}' -X POST \
         "http://$callback/callback/demo/$secret?paymentId=$id")
  [ "$code" = 200 ] || { echo "FAIL: callback $i answered $code"; exit 1; }
done
# Stop the gateway itself (strace's child); strace ends with it.
kill "$(pgrep -P "$gw_pid" | head -1)" 2>/dev/null || true
for _ in $(seq 200); do kill -0 "$gw_pid" 2>/dev/null || break; sleep 0.05; done
kill -9 "$gw_pid" 2>/dev/null || true

/usr/bin/python3 - "$work" <<'PY'
import glob, re, sys
events = []  # (time, kind)
for path in glob.glob(sys.argv[1] + "/trace.*"):
    for line in open(path, errors="replace"):
        m = re.match(r"(\d+\.\d+) (\w+)\((.*)\) = (-?\d+).*<(\d+\.\d+)>$", line.strip())
        if not m:
            continue
        start, call, args, rc, took = float(m[1]), m[2], m[3], int(m[4]), float(m[5])
        if call in ("fsync", "fdatasync") and "events.db" in args and rc == 0:
            events.append((start + took, "sync"))
        elif call == "sendto" and "HTTP/1.1 200" in args:
            events.append((start, "200"))
events.sort()
answers = [t for t, k in events if k == "200"]
syncs = [t for t, k in events if k == "sync"]
if len(answers) != 5:
    print(f"FAIL: saw {len(answers)} answers of 200 in the trace, expected 5"); sys.exit(1)
previous = 0.0
for n, at in enumerate(answers, 1):
    if not any(previous < s <= at for s in syncs):
        print(f"FAIL: callback {n}'s 200 was sent without an fsync of the store since the last one")
        sys.exit(1)
    previous = at
print(f"ok: each of {len(answers)} callbacks' 200 followed its own completed fsync "
      f"({len(syncs)} fsyncs of events.db*)")
PY
