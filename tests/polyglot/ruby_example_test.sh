#!/usr/bin/env bash
# Runs examples/ruby against the real gateway and sandbox binaries: stubs generated from proto/
# with Debian's grpc_tools_ruby_protoc; the example takes a payment, waits for its Succeeded
# event and decodes the details of a refused request.
set -euo pipefail
source tests/polyglot/gen_python.sh
gateway="$1"; sandbox="$2"
work="${TEST_TMPDIR:-$(mktemp -d)}"
gen_ruby "$work/gen"

export BARION_POS_KEY="$(openssl rand -hex 16)"
cleanup() { kill "${gw_pid:-}" "${sb_pid:-}" 2>/dev/null || true; }
trap cleanup EXIT
start_sandbox "$sandbox" "$work"
start_gateway "$gateway" "$work"

ruby examples/ruby/take_payment.rb "$grpc" "$http" "$work/gen" | tee "$work/ruby.out"
grep -q "^ruby example: payment succeeded$" "$work/ruby.out"
grep -q "^refused: InvalidArgument: " "$work/ruby.out"
grep -q "^  bad field transactions\[0\]\.total: " "$work/ruby.out"
grep -q "^ruby example: invalid request refused with its details$" "$work/ruby.out"
