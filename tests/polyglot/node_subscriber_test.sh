#!/usr/bin/env bash
# Polyglot end-to-end test: a Node.js subscriber (npm @grpc/grpc-js + @grpc/proto-loader)
# against the real gateway and sandbox binaries: subscribe, disconnect, resume from the cursor.
set -euo pipefail
source tests/polyglot/helpers.sh
gateway="$1"; sandbox="$2"
grpc_js="$(runfile "$3")"
node_modules="$(cd "$(dirname "$grpc_js")/../.." && pwd)"
work="${TEST_TMPDIR:-$(mktemp -d)}"

export BARION_POS_KEY="$(openssl rand -hex 16)"
cleanup() { kill "${gw_pid:-}" "${sb_pid:-}" 2>/dev/null || true; }
trap cleanup EXIT

start_sandbox "$sandbox" "$work"
start_gateway "$gateway" "$work"

NODE_PATH="$node_modules" node tests/polyglot/node_subscriber.js "$grpc" "$http" proto
