#!/usr/bin/env bash
# Runs one client example, examples/go, examples/ruby or examples/java, against the real gateway
# and sandbox binaries, with its stubs generated from proto/ by Debian's toolchain for that
# language (helpers.sh): it takes a payment, waits for the Succeeded event on the stream and
# decodes the details of a request the gateway refuses.
# Usage: example_test.sh go|ruby|java GATEWAY SANDBOX GOOGLE_RPC_STATUS_PROTO (read by java only)
set -euo pipefail
source tests/polyglot/helpers.sh
lang="$1"; gateway="$2"; sandbox="$3"
work="${TEST_TMPDIR:-$(mktemp -d)}"

start=$(date +%s)
case "$lang" in
  go)
    build_go_example "$work/go"
    run=("$work/go/take_payment") ;;
  ruby)
    gen_ruby "$work/ruby"
    run=(ruby examples/ruby/take_payment.rb) ;;
  java)
    google_protos="$(dirname "$(dirname "$(runfile "$4")")")"
    build_java_example "$work/java"
    run=(run_java_example "$work/java") ;;
  *) echo "unknown language $lang" >&2; exit 2 ;;
esac
echo "$lang: stubs generated and the example built in $(( $(date +%s) - start )) s"

export BARION_POS_KEY="$(openssl rand -hex 16)"
cleanup() { kill "${gw_pid:-}" "${sb_pid:-}" 2>/dev/null || true; }
trap cleanup EXIT
start_sandbox "$sandbox" "$work"
start_gateway "$gateway" "$work"

extra=()
[ "$lang" = ruby ] && extra=("$work/ruby")
"${run[@]}" "$grpc" "$http" "${extra[@]}" | tee "$work/$lang.out"
grep -q "^$lang example: payment succeeded$" "$work/$lang.out"
grep -qE "^refused: (InvalidArgument|INVALID_ARGUMENT): " "$work/$lang.out"
grep -q "^  bad field transactions\[0\]\.total: " "$work/$lang.out"
grep -q "^$lang example: invalid request refused with its details$" "$work/$lang.out"
