#!/usr/bin/env bash
# Runs examples/go against the real gateway and sandbox binaries: stubs generated from proto/
# with Debian's protoc-gen-go and protoc-gen-go-grpc, built offline in GOPATH mode against
# Debian's grpc-go; the example takes a payment, waits for its Succeeded event and decodes the
# details of a refused request.
set -euo pipefail
source tests/polyglot/gen_python.sh
gateway="$1"; sandbox="$2"
work="${TEST_TMPDIR:-$(mktemp -d)}"

# Generate and build (docs/TESTING.md gives the time this takes).
mkdir -p "$work/go/src"
mappings=()
for f in types payment_service payment_event; do
  mappings+=("--go_opt=Mbarion/v1/$f.proto=barion/v1;barionv1"
             "--go-grpc_opt=Mbarion/v1/$f.proto=barion/v1;barionv1")
done
/usr/bin/protoc -Iproto --go_out="$work/go/src" --go-grpc_out="$work/go/src" "${mappings[@]}" \
  proto/barion/v1/types.proto proto/barion/v1/payment_service.proto \
  proto/barion/v1/payment_event.proto
start=$(date +%s)
GO111MODULE=off GOPATH="$work/go:/usr/share/gocode" GOCACHE="$work/go/cache" HOME="$work" \
  go build -o "$work/take_payment" examples/go/take_payment.go
echo "generated and built in $(( $(date +%s) - start )) s"

export BARION_POS_KEY="$(openssl rand -hex 16)"
cleanup() { kill "${gw_pid:-}" "${sb_pid:-}" 2>/dev/null || true; }
trap cleanup EXIT
start_sandbox "$sandbox" "$work"
start_gateway "$gateway" "$work"

"$work/take_payment" "$grpc" "$http" | tee "$work/go.out"
grep -q "^go example: payment succeeded$" "$work/go.out"
grep -q "^refused: InvalidArgument: " "$work/go.out"
grep -q "^  bad field transactions\[0\]\.total: " "$work/go.out"
grep -q "^go example: invalid request refused with its details$" "$work/go.out"
