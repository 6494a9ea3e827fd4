#!/usr/bin/env bash
# Runs examples/go against the real gateway and sandbox binaries: stubs generated from proto/
# with Debian's protoc-gen-go and protoc-gen-go-grpc, built offline in GOPATH mode against
# Debian's grpc-go; the example takes a payment, waits for its Succeeded event and decodes the
# details of a refused request.
set -euo pipefail
source tests/polyglot/gen_python.sh
gateway="$1"; sandbox="$2"
work="${TEST_TMPDIR:-$(mktemp -d)}"

start=$(date +%s)
build_go_example "$work/go"
echo "generated and built in $(( $(date +%s) - start )) s"

export BARION_POS_KEY="$(openssl rand -hex 16)"
cleanup() { kill "${gw_pid:-}" "${sb_pid:-}" 2>/dev/null || true; }
trap cleanup EXIT
start_sandbox "$sandbox" "$work"
start_gateway "$gateway" "$work"

"$work/go/take_payment" "$grpc" "$http" | tee "$work/go.out"
grep -q "^go example: payment succeeded$" "$work/go.out"
grep -q "^refused: InvalidArgument: " "$work/go.out"
grep -q "^  bad field transactions\[0\]\.total: " "$work/go.out"
grep -q "^go example: invalid request refused with its details$" "$work/go.out"
