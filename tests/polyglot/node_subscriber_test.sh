#!/usr/bin/env bash
# Polyglot end-to-end test: a Node.js subscriber (npm @grpc/grpc-js + @grpc/proto-loader)
# against the real gateway and sandbox binaries: subscribe, disconnect, resume from the cursor.
set -euo pipefail
source tests/polyglot/gen_python.sh
gateway="$1"; sandbox="$2"
grpc_js="$(runfile "$3")"
node_modules="$(cd "$(dirname "$grpc_js")/../.." && pwd)"
work="${TEST_TMPDIR:-$(mktemp -d)}"

export BARION_POS_KEY="$(openssl rand -hex 16)"
cleanup() { kill "${gw_pid:-}" "${sb_pid:-}" 2>/dev/null || true; }
trap cleanup EXIT

start_sandbox "$sandbox" "$work"
mkdir -p "$work/gateway"
(cd "$work/gateway" && exec "$OLDPWD/$gateway" --grpc_address=127.0.0.1:0 \
   --callback_address=127.0.0.1:0 --addresses_file="$work/gateway.addr" \
   --barion_base_url="$https" --barion_ca_file="$ca") \
  >"$work/gateway.out" 2>"$work/gateway.log" &
gw_pid=$!
await_file "$work/gateway.addr"
grpc=$(sed -n 's/^grpc=//p' "$work/gateway.addr")

NODE_PATH="$node_modules" node tests/polyglot/node_subscriber.js "$grpc" "$http" proto
