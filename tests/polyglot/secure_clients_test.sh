#!/usr/bin/env bash
# The clients against a gateway that authenticates its callers (docs/SECURITY.md), with a PKI
# made here by the openssl command: the Python, Node, Go, Ruby and Java examples and barionctl,
# each over mTLS (the certificate's URI SAN is its caller) and with a bearer token over TLS; a
# client without credentials is refused. Real gateway and sandbox binaries.
set -euo pipefail
source tests/polyglot/helpers.sh
gateway="$1"; sandbox="$2"; barionctl="$3"
google_protos="$(dirname "$(dirname "$(runfile "$4")")")"
health_proto="$(runfile "$5")"
grpc_js="$(runfile "$6")"
node_modules="$(cd "$(dirname "$grpc_js")/../.." && pwd)"
work="${TEST_TMPDIR:-$(mktemp -d)}"
gen_python "$work/gen"
build_go_example "$work/go"
gen_ruby "$work/ruby"
build_java_example "$work/java"

export BARION_POS_KEY="$(openssl rand -hex 16)"
cleanup() { kill "${gw_pid:-}" "${sb_pid:-}" 2>/dev/null || true; }
trap cleanup EXIT
start_sandbox "$sandbox" "$work"

pki="$work/pki"
source tools/pki.sh
make_pki "$pki" gateway=DNS:localhost,IP:127.0.0.1 python=URI:spiffe://examples.test/python
openssl rand -hex 32 >"$work/node.token"
cat >"$work/gateway.textproto" <<CONFIG
shops {
  name: "demo" pos_key_env: "BARION_POS_KEY" payee: "demo-shop@sandbox.local"
  defaults { redirect_url: "http://127.0.0.1:8080/payment/return" locale: "en-US" }
}
listen {
  tls_cert_file: "pki/gateway.pem" tls_key_file: "pki/gateway-key.pem"
  tls_client_ca_file: "pki/ca.pem"
}
data_dir: "gateway-data"
callback_public_base_url: "listener"
callers {
  name: "python-example" principals: "spiffe://examples.test/python"
  allow_methods: "*" shops: "demo"
}
callers {
  name: "node-example" token_file: "node.token"
  allow_methods: "/barion.v1.PaymentService/*" allow_methods: "/barion.v1.PaymentEventService/*"
  shops: "demo"
}
CONFIG
start_gateway_with_config "$gateway" "$work" "$work/gateway.textproto"

export BARION_GATEWAY_CA="$pki/ca.pem" BARION_GATEWAY_SERVER_NAME=localhost
# Each example both ways: with the client certificate (mTLS), then with the token over TLS.
for way in mtls token; do
  if [ "$way" = mtls ]; then
    creds=(BARION_GATEWAY_CERT="$pki/python.pem" BARION_GATEWAY_KEY="$pki/python-key.pem")
  else
    creds=(BARION_GATEWAY_TOKEN_FILE="$work/node.token")
  fi
  env "${creds[@]}" /usr/bin/python3 examples/python/take_payment.py "$grpc" "$http" "$work/gen" \
    | tee "$work/py-$way.out"
  grep -q "python example: payment succeeded" "$work/py-$way.out"
  env "${creds[@]}" NODE_PATH="$node_modules" node examples/node/take_payment.js "$grpc" "$http" \
    proto "$google_protos/.." | tee "$work/node-$way.out"
  grep -q "node example: payment succeeded" "$work/node-$way.out"
  env "${creds[@]}" "$work/go/take_payment" "$grpc" "$http" | tee "$work/go-$way.out"
  grep -q "go example: payment succeeded" "$work/go-$way.out"
  env "${creds[@]}" ruby examples/ruby/take_payment.rb "$grpc" "$http" "$work/ruby" \
    | tee "$work/ruby-$way.out"
  grep -q "ruby example: payment succeeded" "$work/ruby-$way.out"
  (export "${creds[@]}"; run_java_example "$work/java" "$grpc" "$http") | tee "$work/java-$way.out"
  grep -q "java example: payment succeeded" "$work/java-$way.out"
done

# barionctl: mTLS, then the token; then TLS without credentials, which the gateway refuses.
ctl() { "$barionctl" --gateway "$grpc" --ca "$pki/ca.pem" --server-name localhost "$@"; }
unknown=4f1d2c3b5a6e47c8b9d0e1f2a3b4c5d6
status=0
ctl --cert "$pki/python.pem" --key "$pki/python-key.pem" state --payment "$unknown" \
  2>"$work/ctl-mtls.err" || status=$?
[ "$status" -eq 3 ] && grep -q NotExistingPaymentId "$work/ctl-mtls.err" ||
  { echo "FAIL: barionctl over mTLS: exit $status"; cat "$work/ctl-mtls.err"; exit 1; }
status=0
ctl --token-file "$work/node.token" state --payment "$unknown" 2>"$work/ctl-token.err" ||
  status=$?
[ "$status" -eq 3 ] && grep -q NotExistingPaymentId "$work/ctl-token.err" ||
  { echo "FAIL: barionctl with a token: exit $status"; cat "$work/ctl-token.err"; exit 1; }
status=0
ctl state --payment "$unknown" 2>"$work/ctl-none.err" || status=$?
[ "$status" -eq 3 ] && grep -q NO_CREDENTIALS "$work/ctl-none.err" ||
  { echo "FAIL: barionctl without credentials: exit $status"; cat "$work/ctl-none.err"; exit 1; }
# The token over plaintext to another machine: barionctl refuses to send it.
status=0
env -u BARION_GATEWAY_CA -u BARION_GATEWAY_SERVER_NAME "$barionctl" --gateway 192.0.2.1:50051 --token-file "$work/node.token" state \
  --payment "$unknown" 2>"$work/ctl-clear.err" || status=$?
[ "$status" -eq 2 ] || { echo "FAIL: a token in clear text: exit $status"; exit 1; }
# Nor do the Go and Java examples, before they dial.
status=0
env -u BARION_GATEWAY_CA BARION_GATEWAY_TOKEN_FILE="$work/node.token" "$work/go/take_payment" \
  "$grpc" "$http" >"$work/go-clear.out" 2>&1 || status=$?
[ "$status" -ne 0 ] && grep -q "needs TLS" "$work/go-clear.out" ||
  { echo "FAIL: the Go example with a token in clear text: exit $status"; exit 1; }
status=0
(unset BARION_GATEWAY_CA; export BARION_GATEWAY_TOKEN_FILE="$work/node.token"
 run_java_example "$work/java" "$grpc" "$http") >"$work/java-clear.out" 2>&1 || status=$?
[ "$status" -ne 0 ] && grep -q "needs TLS" "$work/java-clear.out" ||
  { echo "FAIL: the Java example with a token in clear text: exit $status"; exit 1; }

token="$(cat "$work/node.token")"
if grep -qF "$token" "$work"/*.log "$work"/*.out "$work"/*.err "$work/gateway-data/audit.log"; then
  echo "FAIL: the token in an output"; exit 1
fi
echo PASS
