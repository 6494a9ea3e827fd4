#!/usr/bin/env bash
# A local cluster (docs/SCALING.md): a PostgreSQL 15 of its own in a temporary folder, three
# gateway replicas on loopback sharing it, and the Barion sandbox; prints what to try to watch an
# event cross replicas. Ctrl-C stops everything and removes the database.
#
#   replica 1: gRPC 127.0.0.1:50051, callbacks 127.0.0.1:18091, admin 127.0.0.1:18191
#   replica 2: gRPC 127.0.0.1:50052, callbacks 127.0.0.1:18092, admin 127.0.0.1:18192
#   replica 3: gRPC 127.0.0.1:50053, callbacks 127.0.0.1:18093, admin 127.0.0.1:18193
#
# Environment: BARION_POS_KEY (the demo shop's key; generated if unset).
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/install_deps.sh
bazel build -c opt //server:barion_gateway //sandbox:barion_sandbox //client:barionctl
export BARION_POS_KEY="${BARION_POS_KEY:-$(openssl rand -hex 16)}"
work=$(mktemp -d /tmp/barion-cluster-XXXXXX)  # the postgres user must be able to enter it
chmod 755 "$work"
pids=()
cleanup() {
  kill "${pids[@]}" 2>/dev/null || true
  wait "${pids[@]}" 2>/dev/null || true
  bash tools/pg_local.sh stop "$work/pg" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

dsn=$(bash tools/pg_local.sh start "$work/pg" | sed -n 's/^dsn=//p')
bazel-bin/sandbox/barion_sandbox --http_address=127.0.0.1:0 --https_address=127.0.0.1:0 \
  --data_dir="$work/sandbox" --addresses_file="$work/sandbox.addr" >"$work/sandbox.log" 2>&1 &
pids+=($!)
for _ in $(seq 100); do [ -s "$work/sandbox.addr" ] && break; sleep 0.05; done
https=$(sed -n 's/^https=//p' "$work/sandbox.addr")
http=$(sed -n 's/^http=//p' "$work/sandbox.addr")
ca=$(sed -n 's/^ca=//p' "$work/sandbox.addr")

for i in 1 2 3; do
  mkdir -p "$work/r$i"
  cat >"$work/r$i/gateway.textproto" <<CONFIG
shops {
  name: "demo" pos_key_env: "BARION_POS_KEY" payee: "demo-shop@sandbox.local"
  defaults { redirect_url: "http://127.0.0.1:8080/payment/return" locale: "en-US" }
}
barion { base_url: "$https" ca_file: "$ca" }
listen {
  grpc_address: "127.0.0.1:5005$i"
  callback_address: "127.0.0.1:1809$i"
  admin_address: "127.0.0.1:1819$i"
}
data_dir: "data"
callback_public_base_url: "listener"
store { postgres { dsn: "$dsn" pool_size: 4 } }
CONFIG
  (cd "$work/r$i" && exec "$OLDPWD/bazel-bin/server/barion_gateway" --config=gateway.textproto \
    --addresses_file="$work/r$i.addr") >"$work/r$i.log" 2>&1 &
  pids+=($!)
done
for i in 1 2 3; do
  for _ in $(seq 200); do [ -s "$work/r$i.addr" ] && break; sleep 0.05; done
  if [ ! -s "$work/r$i.addr" ]; then
    echo "replica $i did not start (ports 5005$i/1809$i/1819$i busy?):" >&2
    cat "$work/r$i.log" >&2
    exit 1
  fi
done
cat <<MSG

  PostgreSQL:  $dsn  (folder $work/pg)
  Sandbox:     $https, control API $http/_sandbox/
  Replicas:    gRPC 127.0.0.1:50051, :50052, :50053 (admin /metrics /readyz on :18191-18193)
  Logs:        $work/r1.log, r2.log, r3.log

  Watch an event cross replicas (in other terminals, from $(pwd)):

  bazel-bin/client/barionctl --gateway 127.0.0.1:50053 watch                  # subscribe on replica 3
  bazel-bin/client/barionctl --gateway 127.0.0.1:50051 start --amount 1500    # start on replica 1
  curl -s -X POST -d '{}' $http/_sandbox/payments/PAYMENT_ID/pay           # the payer pays
  # Barion calls replica 1 back; the event appears on replica 3's stream.
  bazel-bin/client/barionctl --gateway 127.0.0.1:50052 events                 # the same log on replica 2

  Kill a replica (kill -9 \$(pgrep -f r3.addr)): the watch on it ends; resume it on another with
  --from LAST_CURSOR and nothing is missed. Ctrl-C here stops everything.

MSG
wait "${pids[0]}"
