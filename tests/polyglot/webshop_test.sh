#!/usr/bin/env bash
# The web payment in a real browser. First examples/webshop's own Go tests (go vet, go test),
# then the shop against the real gateway and sandbox binaries, driven by Debian's headless
# Chromium through Selenium (webshop_browser.py): pay, decline, cancel; then once more with the
# shop learning outcomes from the gateway's webhooks (-webhook_secret_env) instead of a stream
# (screenshots under webhooks/). Chromium trusts the
# sandbox's CA through an NSS database in a HOME of the test's own. Screenshots of the final
# pages are test outputs (in bazel-testlogs/tests/polyglot/webshop_test/test.outputs/outputs.zip).
# Usage: webshop_test.sh GATEWAY SANDBOX
set -euo pipefail
source tests/polyglot/helpers.sh
gateway="$1"; sandbox="$2"
work="${TEST_TMPDIR:-$(mktemp -d)}"
screenshots="${TEST_UNDECLARED_OUTPUTS_DIR:-$work/screenshots}"
mkdir -p "$screenshots"

start=$(date +%s)
build_go_example "$work/go" check
echo "webshop: stubs generated, the shop built and its Go tests run in $(( $(date +%s) - start )) s"

export BARION_POS_KEY="$(openssl rand -hex 16)"
cleanup() { kill "${shop_pid:-}" "${gw_pid:-}" "${sb_pid:-}" 2>/dev/null || true; }
trap cleanup EXIT
start_sandbox "$sandbox" "$work"
start_gateway "$gateway" "$work"
"$work/go/webshop" -gateway "$grpc" -listen 127.0.0.1:0 -addresses_file "$work/shop.addr" \
  >"$work/shop.log" 2>&1 &
shop_pid=$!
await_file "$work/shop.addr"
shop=$(sed -n 's/^shop=//p' "$work/shop.addr")

# The browser's own certificate store, holding the sandbox's CA as a trusted root.
export HOME="$work/home"
mkdir -p "$HOME/.pki/nssdb"
certutil -d "sql:$HOME/.pki/nssdb" -N --empty-password
certutil -d "sql:$HOME/.pki/nssdb" -A -t "C,," -n barion-sandbox-ca -i "$ca"

status=0
/usr/bin/python3 tests/polyglot/webshop_browser.py "$shop" "$https" "$screenshots" \
  | tee "$work/browser.out" || status=$?
if [ "$status" -ne 0 ]; then
  echo "--- shop log"; cat "$work/shop.log"
  exit "$status"
fi
grep -q "^webshop browser test: paid, declined and cancelled as the shop showed them$" \
  "$work/browser.out"
for run in pay decline cancel; do
  [ -s "$screenshots/$run.png" ] || { echo "no screenshot of $run" >&2; exit 1; }
done

# Once more, the shop learning the outcomes from webhooks instead of a stream: a gateway whose
# configuration posts every event to the shop's /webhooks, signed with a secret the shop knows.
kill "$shop_pid" "$gw_pid"
wait "$shop_pid" "$gw_pid" 2>/dev/null || true
export SHOP_WEBHOOK_SECRET="whsec_$(head -c 32 /dev/urandom | base64)"
shop_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cat >"$work/gateway.textproto" <<CONFIG
shops {
  name: "demo" pos_key_env: "BARION_POS_KEY" payee: "demo-shop@sandbox.local"
  defaults { redirect_url: "http://127.0.0.1:$shop_port/return" locale: "en-US" }
}
data_dir: "gateway-webhooks-data"
callback_public_base_url: "listener"
webhooks {
  endpoints { name: "webshop" url: "http://127.0.0.1:$shop_port/webhooks" secret_env: "SHOP_WEBHOOK_SECRET" }
}
CONFIG
rm -f "$work/gateway.addr" "$work/shop.addr"
start_gateway_with_config "$gateway" "$work" "$work/gateway.textproto"
"$work/go/webshop" -gateway "$grpc" -listen "127.0.0.1:$shop_port" -addresses_file "$work/shop.addr" \
  -webhook_secret_env SHOP_WEBHOOK_SECRET >"$work/shop-webhooks.log" 2>&1 &
shop_pid=$!
await_file "$work/shop.addr"
shop=$(sed -n 's/^shop=//p' "$work/shop.addr")
mkdir -p "$screenshots/webhooks"
status=0
/usr/bin/python3 tests/polyglot/webshop_browser.py "$shop" "$https" "$screenshots/webhooks" \
  | tee "$work/browser-webhooks.out" || status=$?
if [ "$status" -ne 0 ]; then
  echo "--- shop log"; cat "$work/shop-webhooks.log"
  exit "$status"
fi
grep -q "^webshop browser test: paid, declined and cancelled as the shop showed them$" \
  "$work/browser-webhooks.out"
grep -q "(webhook)$" "$work/shop-webhooks.log" || { echo "no outcome came by webhook" >&2; exit 1; }

