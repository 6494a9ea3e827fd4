#!/usr/bin/env bash
# Runs examples/python and examples/node against the real gateway and sandbox binaries: each
# starts a payment, pays it through the sandbox, waits for the Succeeded event on the stream
# and decodes the details of a refused request; examples/node/apple_pay.js takes an Apple Pay
# payment from Apple Pay JS's objects.
set -euo pipefail
source tests/polyglot/helpers.sh
gateway="$1"; sandbox="$2"
google_protos="$(dirname "$(dirname "$(runfile "$3")")")"
health_proto="$(runfile "$4")"
grpc_js="$(runfile "$5")"
node_modules="$(cd "$(dirname "$grpc_js")/../.." && pwd)"
work="${TEST_TMPDIR:-$(mktemp -d)}"
gen_python "$work/gen"

export BARION_POS_KEY="$(openssl rand -hex 16)"
cleanup() { kill "${gw_pid:-}" "${sb_pid:-}" 2>/dev/null || true; }
trap cleanup EXIT
start_sandbox "$sandbox" "$work"
start_gateway "$gateway" "$work"

/usr/bin/python3 examples/python/take_payment.py "$grpc" "$http" "$work/gen" | tee "$work/py.out"
grep -q "python example: payment succeeded" "$work/py.out"
grep -q "^refused: INVALID_ARGUMENT: " "$work/py.out"
grep -q "^  bad field transactions\[0\]\.total: " "$work/py.out"
grep -q "^python example: invalid request refused with its details$" "$work/py.out"
NODE_PATH="$node_modules" node examples/node/take_payment.js "$grpc" "$http" proto \
  "$google_protos/.." | tee "$work/node.out"
grep -q "node example: payment succeeded" "$work/node.out"
grep -q "^refused: INVALID_ARGUMENT: " "$work/node.out"
grep -q "^  bad field transactions\[0\]\.total: " "$work/node.out"
grep -q "^node example: invalid request refused with its details$" "$work/node.out"
# Apple Pay's server side: merchant validation, then event.payment (token and contacts) mapped
# to StartApplePayPayment; without the contacts Barion requires, a refusal before Barion.
NODE_PATH="$node_modules" node examples/node/apple_pay.js "$grpc" proto | tee "$work/apple.out"
grep -q "^apple pay example: payment succeeded$" "$work/apple.out"
grep -q "^refused: INVALID_ARGUMENT: .*shipping_contact" "$work/apple.out"
grep -q "^apple pay example: missing contacts refused$" "$work/apple.out"
