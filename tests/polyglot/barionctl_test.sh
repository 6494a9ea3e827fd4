#!/usr/bin/env bash
# barionctl against the real gateway and sandbox binaries: a payment from start to a Succeeded
# event, its QR code, Google Pay and Apple Pay, every wallet command, human and JSON output, errors with Barion's reason and the fields at
# fault, the exit codes (0 ok, 1 local failure, 2 usage, 3 refused, 4 unavailable), and no key in
# any output.
set -euo pipefail
source tests/polyglot/helpers.sh
gateway="$1"; sandbox="$2"; ctl="$3"
work="${TEST_TMPDIR:-$(mktemp -d)}"
export BARION_POS_KEY="$(openssl rand -hex 16)" BARION_WALLET_API_KEY="$(openssl rand -hex 16)"
cleanup() { kill "${gw_pid:-}" "${sb_pid:-}" 2>/dev/null || true; }
trap cleanup EXIT
fail() { echo "FAIL: $*"; exit 1; }
start_sandbox "$sandbox" "$work"
start_gateway "$gateway" "$work"
ctl() { "$ctl" --gateway "$grpc" "$@"; }
# Runs a command with its output in out/err (also kept in all.log); prints its exit code.
code() {
  set +e; "$@" >"$work/out" 2>"$work/err"; local c=$?; set -e
  cat "$work/out" "$work/err" >>"$work/all.log"; echo "$c"
}

# Help and usage errors.
ctl --help | grep -q "Commands:" || fail "no help"
ctl watch --help | grep -q -- "--from CURSOR" || fail "no watch help"
[ "$(code ctl frobnicate)" = 2 ] || fail "unknown command must exit 2"
[ "$(code ctl start)" = 2 ] || fail "start without --amount must exit 2"
grep -q -- "--amount is required" "$work/err" || fail "usage error not explained"

# A payment from start to a Succeeded event.
ctl --output json start --amount 1500 --request-id ctl-1 >"$work/start.json"
payment=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["paymentId"])' "$work/start.json")
[ -n "$payment" ] || fail "no payment id"
ctl state --payment "$payment" | grep -Eq "^status +PAYMENT_STATUS_PREPARED" || fail "state table"
curl -fsS -X POST -d '{}' "$http/_sandbox/payments/$payment/pay" >/dev/null
ctl watch --from 0 --payment "$payment" --count 1 >"$work/watch.out"
grep -Eq "$payment +- -> Succeeded +1500 HUF" "$work/watch.out" || fail "watch line: $(cat "$work/watch.out")"
ctl --output json events --payment "$payment" | python3 -c '
import json, sys
lines = [json.loads(l) for l in sys.stdin if l.strip()]
assert len(lines) == 1 and lines[0]["snapshot"]["status"] == "PAYMENT_STATUS_SUCCEEDED", lines'

# A full request from --json -.
echo '{"paymentId":"'"$payment"'"}' | ctl --output json state --json - >/dev/null 2>&1 || true
[ "$(code ctl finish --payment "$payment" --transaction x --amount 1 --json /nonexistent)" = 2 ] \
  || fail "unreadable --json must exit 2"

# Refusals show Barion's reason and exit 3; an unreachable gateway exits 4.
[ "$(code ctl state --payment 0123456789abcdef0123456789abcdef)" = 3 ] || fail "unknown payment must exit 3"
grep -q "reason: NotExistingPaymentId" "$work/err" || fail "reason not shown: $(cat "$work/err")"
[ "$(code ctl start --amount 15.5)" = 3 ] || fail "HUF decimals must exit 3"
grep -q "field transactions\[0\].total" "$work/err" || fail "field not shown: $(cat "$work/err")"
[ "$(code "$ctl" --gateway 127.0.0.1:1 --timeout 2 state --payment "$payment")" = 4 ] \
  || fail "unreachable gateway must exit 4"
# Without --request-id, two starts at once are two payments (the default id has a random part).
ctl --output json start --amount 100 >"$work/a.json" & ctl --output json start --amount 100 >"$work/b.json"
wait $!
python3 -c '
import json, re, sys
a, b = (json.load(open(f)) for f in sys.argv[1:])
assert a["paymentId"] != b["paymentId"], (a, b)
assert re.fullmatch(r"barionctl-[0-9]+-[0-9a-f]{8}", a["paymentRequestId"]), a' "$work/a.json" "$work/b.json" \
  || fail "default request ids"

# The other payment commands: refund, reservation finish, delayed capture and cancel, complete.
# (No `state` right after these: Barion, and the sandbox, serve 2 state reads per payment in 5 s,
# and the gateway's reconciler reads after every callback.)
tx_of() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["transactions"][0]["transactionId"])' "$1"; }
pay() { curl -fsS -X POST -d '{}' "$http/_sandbox/payments/$1/pay" >/dev/null; }
[ "$(code ctl refund --payment "$payment" --transaction "$(tx_of "$work/start.json")" \
      --amount 500 --refund-id ctl-r1)" = 0 ] || fail "refund: $(cat "$work/err")"
grep -Eq "^refunded +[0-9a-f]+ +500(\.00)? +Succeeded$" "$work/out" || fail "refund: $(cat "$work/out")"
[ "$(code ctl refund --payment "$payment" --transaction "$(tx_of "$work/start.json")" \
      --amount 5000)" = 3 ] || fail "an over-refund must exit 3: $(cat "$work/err")"
ctl --output json start --amount 3000 --type reservation --request-id ctl-res >"$work/res.json"
reserved=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["paymentId"])' "$work/res.json")
pay "$reserved"
[ "$(code ctl finish --payment "$reserved" --transaction "$(tx_of "$work/res.json")" --amount 2500)" = 0 ] \
  || fail "finish: $(cat "$work/err")"
grep -Eq "^status +PAYMENT_STATUS_SUCCEEDED$" "$work/out" || fail "finish: $(cat "$work/out")"
[ "$(code ctl finish --payment "$reserved" --transaction "$(tx_of "$work/res.json")" --amount 2500)" = 3 ] \
  || fail "a second finish must exit 3"
grep -q "reason: PaymentStatusNotValid" "$work/err" || fail "reason: $(cat "$work/err")"
for id in ctl-dc1 ctl-dc2; do
  ctl --output json start --amount 4000 --type delayed-capture --request-id "$id" >"$work/$id.json"
  pay "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["paymentId"])' "$work/$id.json")"
done
dc1=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["paymentId"])' "$work/ctl-dc1.json")
dc2=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["paymentId"])' "$work/ctl-dc2.json")
[ "$(code ctl capture --payment "$dc1" --transaction "$(tx_of "$work/ctl-dc1.json")" --amount 3500)" = 0 ] \
  || fail "capture: $(cat "$work/err")"
grep -Eq "^status +PAYMENT_STATUS_SUCCEEDED$" "$work/out" || fail "capture: $(cat "$work/out")"
[ "$(code ctl cancel --payment "$dc2")" = 0 ] || fail "cancel: $(cat "$work/err")"
grep -Eq "^status +PAYMENT_STATUS_CANCELED$" "$work/out" || fail "cancel: $(cat "$work/out")"
[ "$(code ctl cancel)" = 2 ] || fail "cancel without --payment must exit 2"
[ "$(code ctl complete --payment "$dc1")" = 3 ] || fail "completing a card payment must exit 3"
[ "$(code ctl complete)" = 2 ] || fail "complete without --payment must exit 2"

# The QR code, saved as a file that appears only when complete.
[ "$(code ctl qr --payment "$payment" --out "$work/qr.png")" = 0 ] || fail "qr: $(cat "$work/err")"
[ "$(head -c 4 "$work/qr.png" | od -An -tx1 | tr -d ' ')" = 89504e47 ] || fail "not a PNG"
grep -Eq "^content type +image/png$" "$work/out" || fail "qr: $(cat "$work/out")"
[ "$(code ctl qr --payment "$payment" --size small --out "$work/small.png")" = 0 ] || fail "qr small"
[ "$(stat -c %s "$work/small.png")" -lt "$(stat -c %s "$work/qr.png")" ] || fail "small is not smaller"
[ "$(code ctl qr --payment 0123456789abcdef0123456789abcdef --out "$work/none.png")" = 3 ] \
  || fail "an unknown payment's QR must exit 3"
! ls "$work"/none.png* 2>/dev/null || fail "a failed QR left a file"
[ "$(code ctl qr --payment "$payment" --size huge --out "$work/x.png")" = 2 ] || fail "--size huge"

# Google Pay and Apple Pay: charged at once.
[ "$(code ctl google-pay --amount 2990 --email payer@example.com \
      --token '{"signature":"MEUCIQ","protocolVersion":"ECv2"}')" = 0 ] \
  || fail "google-pay: $(cat "$work/err")"
grep -Eq "^status +PAYMENT_STATUS_SUCCEEDED$" "$work/out" || fail "google-pay: $(cat "$work/out")"
[ "$(code ctl google-pay --amount 2990 --email payer@example.com --token decline-me)" = 0 ] \
  || fail "declined google-pay: $(cat "$work/err")"
grep -Eq "^status +PAYMENT_STATUS_FAILED$" "$work/out" || fail "declined: $(cat "$work/out")"
[ "$(code ctl google-pay --amount 29.90 --email nobody --token t)" = 3 ] || fail "bad google-pay"
grep -q "field payment.transactions\[0\].total:" "$work/err" && grep -q "field payer_email_address:" \
  "$work/err" || fail "fields not named: $(cat "$work/err")"
[ "$(code ctl google-pay --amount 1)" = 2 ] || fail "google-pay without a token must exit 2"
[ "$(code ctl apple-pay-session --validation-url \
      https://apple-pay-gateway.apple.com/paymentservices/startSession \
      --shop-url https://shop.example/checkout)" = 0 ] || fail "apple-pay-session: $(cat "$work/err")"
grep -q '"merchantSessionIdentifier"' "$work/out" || fail "session: $(cat "$work/out")"
cat >"$work/apple.json" <<'JSON'
{"payment": {"paymentType": "PAYMENT_TYPE_IMMEDIATE", "paymentRequestId": "ctl-apple-1",
  "currency": "CURRENCY_HUF", "transactions": [{"posTransactionId": "ctl-apple-1-1", "total": "4100",
  "items": [{"name": "Tea", "description": "Tea", "quantity": "1", "unit": "box",
             "unitPrice": "4100", "itemTotal": "4100"}]}]},
 "token": {"transactionIdentifier": "8D3C3A0C24E1F3", "paymentData": {"data": "bmV0d29ya0RhdGE=",
  "signature": "MIAGCSqGSIb3DQEHAqCAMIACAQE", "version": "EC_v1", "header": {
  "ephemeralPublicKey": "MFkwEwYHKoZIzj0CAQ", "publicKeyHash": "LbsUwAT6w1JV9tFXocU813TCHks",
  "transactionId": "8d3c3a0c24e1f3"}}},
 "shippingContact": {"givenName": "Anna", "familyName": "Kiss",
  "postalAddress": {"city": "Budapest", "isoCountryCode": "HU"}},
 "billingContact": {"givenName": "Anna", "familyName": "Kiss", "emailAddress": "anna@example.com"}}
JSON
[ "$(code ctl --output json apple-pay --json "$work/apple.json")" = 0 ] \
  || fail "apple-pay: $(cat "$work/err")"
python3 -c 'import json,sys; assert json.load(open(sys.argv[1]))["status"] == "PAYMENT_STATUS_SUCCEEDED"' \
  "$work/out" || fail "apple-pay: $(cat "$work/out")"
[ "$(code ctl apple-pay)" = 2 ] || fail "apple-pay without --json must exit 2"

# Wallet commands, against the embedded configuration's demo wallet.
ctl wallet --help | grep -q "bank-transfer" || fail "no wallet help"
for c in accounts send-email bank-transfer statement history history-item pos-create pos-get; do
  ctl wallet "$c" --help | grep -q "barionctl wallet $c" || fail "no help for wallet $c"
done
[ "$(code ctl wallet)" = 2 ] || fail "wallet without a command must exit 2"
[ "$(code ctl wallet frobnicate)" = 2 ] || fail "unknown wallet command must exit 2"
grep -q "pos-create" "$work/err" || fail "unknown wallet command must show the wallet help"
[ "$(code ctl wallet accounts)" = 0 ] || fail "accounts: $(cat "$work/err")"
grep -Eq "^EUR +5000.00 EUR +0.00 EUR +[0-9a-f-]{36}$" "$work/out" || fail "accounts: $(cat "$work/out")"
grep -Eq "^HUF +1000000 HUF +0 HUF " "$work/out" || fail "accounts: $(cat "$work/out")"
[ "$(code ctl wallet send-email --to anna@example.com --amount 12.30 --currency eur)" = 0 ] \
  || fail "send-email: $(cat "$work/err")"
grep -Eq "^sent +12.30 EUR$" "$work/out" || fail "send-email: $(cat "$work/out")"
[ "$(code ctl --output json wallet accounts)" = 0 ] || fail "accounts json"
python3 -c '
import json, sys
eur = [a for a in json.load(open(sys.argv[1]))["accounts"] if a["currencyRaw"] == "EUR"][0]
assert eur["availableBalance"] == "4987.70", eur' "$work/out" || fail "the balance did not fall"
[ "$(code ctl wallet send-email --to anna@example.com --amount 900000000)" = 3 ] \
  || fail "insufficient funds must exit 3"
grep -q "reason: InsufficientFunds (barion.com)" "$work/err" || fail "reason: $(cat "$work/err")"
[ "$(code ctl wallet send-email --amount 1)" = 2 ] || fail "send-email without --to must exit 2"
[ "$(code ctl wallet bank-transfer --amount 2500 --currency HUF --account-number \
      1177301020000000 --recipient "Kiss Anna" --comment "invoice 12")" = 0 ] \
  || fail "bank-transfer: $(cat "$work/err")"
grep -Eq "^transaction +[0-9a-f-]{36}$" "$work/out" || fail "bank-transfer: $(cat "$work/out")"
grep -Eq "^amount +2500 HUF$" "$work/out" || fail "bank-transfer amount: $(cat "$work/out")"
[ "$(code ctl wallet bank-transfer --amount 10.5 --currency HUF --account-number DE89370400440532013000 \
      --format iban --recipient "Kiss Anna")" = 3 ] || fail "a bad transfer must exit 3"
grep -q "field amount:" "$work/err" || fail "amount not named: $(cat "$work/err")"
grep -q "field swift_code:" "$work/err" || fail "swift_code not named: $(cat "$work/err")"
[ "$(code ctl wallet bank-transfer --amount 1 --currency HUF --account-number 1 --recipient X \
      --format octal)" = 2 ] || fail "a bad --format must exit 2"
echo '{"wallet":"demo","currency":"CURRENCY_EUR","amount":"1.00","target_email":"b@example.com",
  "source_account_id":"0123456789abcdef0123456789abcdef"}' >"$work/transfer.json"
[ "$(code ctl wallet send-email --json "$work/transfer.json")" = 3 ] \
  || fail "a foreign account from --json must be refused: $(cat "$work/err")"

# Statements: streamed into a file that appears only when complete.
[ "$(code ctl wallet statement --year 2025 --month 12 --out "$work/2025-12.pdf")" = 0 ] \
  || fail "statement: $(cat "$work/err")"
[ "$(head -c 8 "$work/2025-12.pdf")" = "%PDF-1.4" ] || fail "not a PDF"
grep -Eq "^bytes +$(stat -c %s "$work/2025-12.pdf")$" "$work/out" || fail "size: $(cat "$work/out")"
ctl wallet statement --year 2026 --month 1 --day 31 --out - >"$work/daily.xlsx" 2>"$work/err"
[ "$(head -c 2 "$work/daily.xlsx")" = "PK" ] || fail "daily statement to stdout"
grep -q "^wrote $(stat -c %s "$work/daily.xlsx") bytes" "$work/err" || fail "stdout summary"
[ "$(code ctl wallet statement --year 2099 --month 1 --out "$work/none.pdf")" = 3 ] \
  || fail "a missing statement must exit 3"
grep -q "reason: StatementNotFound" "$work/err" || fail "reason: $(cat "$work/err")"
! ls "$work"/none.pdf* 2>/dev/null || fail "a failed download left a file"
[ "$(code ctl wallet statement --year 2025 --month 13 --out "$work/bad.pdf")" = 3 ] \
  || fail "month 13 must exit 3"
grep -q "field month:" "$work/err" || fail "month not named: $(cat "$work/err")"
[ "$(code ctl wallet statement --year 2025 --month 12 --out "$work/no/such/dir.pdf")" = 2 ] \
  || fail "an unwritable --out must exit 2"
[ "$(code ctl wallet statement --year 2025 --out "$work/x.pdf")" = 2 ] || fail "no --month"
if [ -e /dev/full ]; then  # a file that cannot be written: exit 1
  set +e; ctl wallet statement --year 2025 --month 12 --out - >/dev/full 2>"$work/err"; c=$?; set -e
  [ "$c" = 1 ] || fail "a full disk must exit 1, not $c: $(cat "$work/err")"
  grep -q "DATA_LOSS" "$work/err" || fail "the write failure is not explained: $(cat "$work/err")"
fi

# History: the transfers above, newest first; one item's details.
[ "$(code ctl wallet history --limit 2)" = 0 ] || fail "history: $(cat "$work/err")"
[ "$(wc -l <"$work/out")" = 2 ] || fail "history --limit 2: $(cat "$work/out")"
head -1 "$work/out" | grep -Eq " -2500 HUF " || fail "newest first: $(cat "$work/out")"
sed -n 2p "$work/out" | grep -Eq " -12.30 EUR " || fail "second item: $(cat "$work/out")"
[ "$(code ctl --output json wallet history --limit 25)" = 0 ] || fail "history json"
item=$(python3 -c '
import json, sys
items = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
assert len(items) == 4, items  # 2 transfers and 2 opening balances: across pages of 20 at most
print(items[0]["id"])' "$work/out") || fail "history json: $(cat "$work/out")"
[ "$(code ctl wallet history --limit 1 --after "$item")" = 0 ] || fail "history --after"
grep -q " -12.30 EUR " "$work/out" || fail "--after must continue: $(cat "$work/out")"
[ "$(code ctl wallet history-item --item "$item")" = 0 ] || fail "history-item: $(cat "$work/err")"
grep -Eq "^amount +2500 HUF$" "$work/out" || fail "history-item: $(cat "$work/out")"
grep -Eq "^details +\{" "$work/out" || fail "history-item details: $(cat "$work/out")"
[ "$(code ctl wallet history --limit 0)" = 2 ] || fail "--limit 0 must exit 2"

# Shops.
printf '\x89PNG\r\n\x1a\n' >"$work/logo.png"
pos_flags=(--name "Tea Shop" --url https://tea.example --description "Teas and cups from all over the world"
  --category FoodDrink --contact-name "Kiss Anna" --contact-email anna@tea.example --contact-phone 36301234567
  --logo "$work/logo.png" --custom-css "body { color: teal }")
[ "$(code ctl --output json wallet pos-create "${pos_flags[@]}")" = 0 ] || fail "pos-create: $(cat "$work/err")"
key=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["publicKey"])' "$work/out")
[ "$(code ctl wallet pos-get --public-key "$key")" = 0 ] || fail "pos-get: $(cat "$work/err")"
grep -Eq "^name +Tea Shop$" "$work/out" && grep -Eq "^status +NewUnderApproval$" "$work/out" \
  && grep -Eq "^open +no$" "$work/out" && grep -Eq "^categories +FoodDrink$" "$work/out" \
  || fail "pos-get: $(cat "$work/out")"
# Barion's answer carries the shop's SecretKey; neither output form may.
[ "$(code ctl --output json wallet pos-get --public-key "$key")" = 0 ] || fail "pos-get json"
! grep -qi "secret" "$work/out" || fail "pos-get --output json shows a secret"
[ "$(code ctl wallet pos-get --public-key 0123456789abcdef0123456789abcdef)" = 3 ] || fail "unknown shop"
grep -q "reason: POS_NOT_FOUND" "$work/err" || fail "reason: $(cat "$work/err")"
[ "$(code ctl wallet pos-create "${pos_flags[@]}" --url http://tea.example --description short)" = 3 ] \
  || fail "a bad shop must exit 3"
grep -q "field url:" "$work/err" && grep -q "field description:" "$work/err" \
  || fail "fields not named: $(cat "$work/err")"
[ "$(code ctl wallet pos-create --name X)" = 2 ] || fail "pos-create without flags must exit 2"

# A wallet the gateway does not know; an unreachable gateway.
[ "$(code ctl wallet accounts --wallet demo)" = 0 ] || fail "--wallet demo: $(cat "$work/err")"
[ "$(code ctl wallet accounts --wallet nope)" = 3 ] || fail "unknown wallet must exit 3"
grep -q "field wallet:" "$work/err" || fail "wallet not named: $(cat "$work/err")"
[ "$(code "$ctl" --gateway 127.0.0.1:1 --timeout 2 wallet accounts)" = 4 ] \
  || fail "unreachable gateway must exit 4"

# No key in anything barionctl printed.
! grep -qF -e "$BARION_WALLET_API_KEY" -e "$BARION_POS_KEY" "$work/all.log" || fail "a key was printed"
echo "barionctl: ok"
