#!/usr/bin/env bash
# Installs what is missing, builds, starts the local Barion sandbox and the gateway on its
# embedded defaults (shop "demo" against the sandbox), and prints what to try. Ctrl-C stops both.
#
# Environment: BARION_POS_KEY (the demo shop's key) and BARION_WALLET_API_KEY (the demo wallet's
# API key); generated if unset.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/install_deps.sh
bazel build -c opt //server:barion_gateway //sandbox:barion_sandbox //client:barionctl
mkdir -p data
export BARION_POS_KEY="${BARION_POS_KEY:-$(openssl rand -hex 16)}"
export BARION_WALLET_API_KEY="${BARION_WALLET_API_KEY:-$(openssl rand -hex 16)}"

rm -f data/sandbox.addr
bazel-bin/sandbox/barion_sandbox --data_dir=data/sandbox --addresses_file=data/sandbox.addr \
  >data/sandbox.log 2>&1 &
sandbox_pid=$!
trap 'kill $sandbox_pid 2>/dev/null || true' EXIT
for _ in $(seq 100); do [ -s data/sandbox.addr ] && break; sleep 0.05; done
if [ ! -s data/sandbox.addr ]; then
  echo "The sandbox did not start (ports 18080/18443 busy?):" >&2
  cat data/sandbox.log >&2
  exit 1
fi
sandbox_http=$(sed -n 's/^http=//p' data/sandbox.addr)
buf=third_party/npm/node_modules/.bin/buf
cat <<MSG

  Barion sandbox:  $(sed -n 's/^https=//p' data/sandbox.addr) (CA data/sandbox/ca.pem), control API $sandbox_http/_sandbox/
  gRPC gateway:    127.0.0.1:50051 (reflection and grpc.health.v1 on), shop "demo"
  Callbacks:       http://127.0.0.1:18090/callback/demo/SECRET (SECRET derived from the POSKey, docs/EVENTS.md; events in data/events.db)

  Try it with barionctl (in other terminals, from $(pwd)):

  bazel-bin/client/barionctl watch                                  # follow events live
  bazel-bin/client/barionctl start --amount 1500                    # note the payment id
  curl -s -X POST -d '{}' $sandbox_http/_sandbox/payments/PAYMENT_ID/pay   # the payer pays
  bazel-bin/client/barionctl state --payment PAYMENT_ID             # PAYMENT_STATUS_SUCCEEDED
  bazel-bin/client/barionctl events                                 # the event log
  bazel-bin/client/barionctl wallet accounts                        # the demo wallet's balances
  bazel-bin/client/barionctl wallet send-email --to anna@example.com --amount 1000
  bazel-bin/client/barionctl wallet history                         # the transfer, newest first
  bazel-bin/client/barionctl wallet statement --year 2025 --month 12 --out statement.pdf

  Or with buf curl (in another terminal, from $(pwd)):

  # 0. Watch payment events live (in a third terminal; Ctrl-C to stop)
  $buf curl --protocol grpc --http2-prior-knowledge -d '{"shop":"demo"}' \\
    http://127.0.0.1:50051/barion.v1.PaymentEventService/SubscribePaymentEvents

  # 1. Start a payment of 1500 HUF
  $buf curl --protocol grpc --http2-prior-knowledge \\
    -d '{"payment_type":"PAYMENT_TYPE_IMMEDIATE","funding_sources":["FUNDING_SOURCE_ALL"],"payment_request_id":"order-1","currency":"CURRENCY_HUF","transactions":[{"pos_transaction_id":"order-1-1","total":"1500","items":[{"name":"Coffee","description":"Flat white","quantity":"1","unit":"cup","unit_price":"1500","item_total":"1500"}]}]}' \\
    http://127.0.0.1:50051/barion.v1.PaymentService/StartPayment

  # 2. Open its gatewayUrl in a browser (accept the sandbox's certificate), or play the payer:
  curl -s -X POST -d '{}' $sandbox_http/_sandbox/payments/PAYMENT_ID/pay

  # 3. Read the authoritative state
  $buf curl --protocol grpc --http2-prior-knowledge -d '{"payment_id":"PAYMENT_ID"}' \\
    http://127.0.0.1:50051/barion.v1.PaymentService/GetPaymentState

  # 4. The sandbox called the gateway back: the watcher of step 0 printed the Succeeded event,
  #    and the change is in the event log
  $buf curl --protocol grpc --http2-prior-knowledge -d '{}' \\
    http://127.0.0.1:50051/barion.v1.PaymentEventService/ListPaymentEvents

  # 5. The demo wallet: its accounts, then 1000 HUF to someone by e-mail (use the HUF account_id)
  $buf curl --protocol grpc --http2-prior-knowledge -d '{}' \\
    http://127.0.0.1:50051/barion.v1.WalletService/GetAccounts
  $buf curl --protocol grpc --http2-prior-knowledge \\
    -d '{"source_account_id":"ACCOUNT_ID","currency":"CURRENCY_HUF","amount":"1000","target_email":"anna@example.com"}' \\
    http://127.0.0.1:50051/barion.v1.WalletService/SendMoneyByEmail

  # List the services through reflection
  $buf curl --protocol grpc --http2-prior-knowledge --list-methods http://127.0.0.1:50051

MSG
bazel-bin/server/barion_gateway "$@"
