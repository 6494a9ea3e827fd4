#!/usr/bin/env bash
# Runs examples/java against the real gateway and sandbox binaries: stubs generated from proto/
# with Debian's grpc_java_plugin, compiled with Debian's JDK against grpc-java 1.41; the example
# takes a payment (blocking stub), waits for its Succeeded event (async stub) and decodes the
# details of a refused request (StatusProto).
set -euo pipefail
source tests/polyglot/gen_python.sh
gateway="$1"; sandbox="$2"
google_protos="$(dirname "$(dirname "$(runfile "$3")")")"
work="${TEST_TMPDIR:-$(mktemp -d)}"

start=$(date +%s)
build_java_example "$work/java"
echo "generated and compiled in $(( $(date +%s) - start )) s"

export BARION_POS_KEY="$(openssl rand -hex 16)"
cleanup() { kill "${gw_pid:-}" "${sb_pid:-}" 2>/dev/null || true; }
trap cleanup EXIT
start_sandbox "$sandbox" "$work"
start_gateway "$gateway" "$work"

java -cp "$work/java/classes:$(java_classpath)" TakePayment "$grpc" "$http" | tee "$work/java.out"
grep -q "^java example: payment succeeded$" "$work/java.out"
grep -q "^refused: INVALID_ARGUMENT: " "$work/java.out"
grep -q "^  bad field transactions\[0\]\.total: " "$work/java.out"
grep -q "^java example: invalid request refused with its details$" "$work/java.out"
