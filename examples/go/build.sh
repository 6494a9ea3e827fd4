#!/usr/bin/env bash
# Builds the Go examples offline with Debian's toolchain (tools/install_deps.sh installs it):
# stubs generated from proto/ by protoc-gen-go and protoc-gen-go-grpc into OUT/src/barion/v1,
# then OUT/take_payment (examples/go/take_payment.go) and OUT/webshop (examples/webshop/), in
# GOPATH mode against Debian's grpc-go 1.33 under /usr/share/gocode, with this folder's
# src/gatewayclient. Nothing generated is committed; nothing is downloaded. With "check", then
# also gofmt, go vet and the Go tests (examples/webshop, gatewayclient).
# Usage, from the repository's root: bash examples/go/build.sh OUT [check]
set -euo pipefail
out="$(mkdir -p "$1" && cd "$1" && pwd)"
mappings=()
for f in types payment_service payment_event; do
  mappings+=("--go_opt=Mbarion/v1/$f.proto=barion/v1;barionv1"
             "--go-grpc_opt=Mbarion/v1/$f.proto=barion/v1;barionv1")
done
mkdir -p "$out/src"
protoc -Iproto --go_out="$out/src" --go-grpc_out="$out/src" "${mappings[@]}" \
  proto/barion/v1/types.proto proto/barion/v1/payment_service.proto \
  proto/barion/v1/payment_event.proto
export GO111MODULE=off GOPATH="$out:$PWD/examples/go:/usr/share/gocode" GOCACHE="$out/cache"
go build -o "$out/take_payment" examples/go/take_payment.go
go build -o "$out/webshop" ./examples/webshop
if [ "${2:-}" = check ]; then
  unformatted=$(gofmt -l examples/go examples/webshop)
  [ -z "$unformatted" ] || { echo "gofmt would change: $unformatted" >&2; exit 1; }
  go vet examples/go/take_payment.go
  go vet ./examples/webshop gatewayclient
  go test ./examples/webshop gatewayclient
fi
