#!/usr/bin/env bash
# Debian's real Prometheus server scrapes a real gateway's admin listener while a client drives
# payments, a payer pays (the sandbox sends Barion's callback) and a forger posts callbacks with
# a wrong secret; Prometheus's HTTP query API must then report exactly what the test did.
set -euo pipefail
source tests/polyglot/helpers.sh
gateway="$1"; sandbox="$2"; ctl="$3"
work="${TEST_TMPDIR:-$(mktemp -d)}"
command -v prometheus >/dev/null || { echo "FAIL: prometheus is not installed (tools/install_deps.sh)"; exit 1; }
export BARION_POS_KEY="$(openssl rand -hex 16)"
cleanup() { kill -9 "${gw_pid:-}" "${sb_pid:-}" "${prom_pid:-}" 2>/dev/null || true; }
trap cleanup EXIT

start_sandbox "$sandbox" "$work" --rate_limit=false
# One webhook endpoint nobody listens at: its deliveries fail, so its series are exported.
export HOOK_SECRET="whsec_$(head -c 32 /dev/urandom | base64)"
cat >"$work/gateway.textproto" <<CONFIG
shops {
  name: "demo" pos_key_env: "BARION_POS_KEY" payee: "demo-shop@sandbox.local"
  defaults { redirect_url: "http://127.0.0.1:8080/payment/return" locale: "en-US" }
}
data_dir: "gateway-data"
callback_public_base_url: "listener"
webhooks { endpoints { name: "crm" url: "http://127.0.0.1:9/hook" secret_env: "HOOK_SECRET" } }
CONFIG
start_gateway_with_config "$gateway" "$work" "$work/gateway.textproto" --log_format=json
admin=$(sed -n 's/^admin=//p' "$work/gateway.addr")
callback=$(sed -n 's/^callback=//p' "$work/gateway.addr")
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cat >"$work/prometheus.yml" <<CONFIG
global:
  scrape_interval: 1s
  evaluation_interval: 1s
scrape_configs:
  - job_name: barion-gateway
    static_configs:
      - targets: ["$admin"]
CONFIG
prometheus --config.file="$work/prometheus.yml" --storage.tsdb.path="$work/tsdb" \
  --web.listen-address="127.0.0.1:$port" >"$work/prometheus.log" 2>&1 &
prom_pid=$!
for _ in $(seq 200); do curl -fsS "http://127.0.0.1:$port/-/ready" >/dev/null 2>&1 && break; sleep 0.1; done
curl -fsS "http://127.0.0.1:$port/-/ready" >/dev/null || { echo "FAIL: prometheus not ready"; cat "$work/prometheus.log"; exit 1; }

dashboard="$(pwd)/deploy/grafana/barion-gateway.json"; alerts="$(pwd)/deploy/prometheus/alerts.yml"

# What the test does.
for i in 1 2 3; do
  "$ctl" --gateway "$grpc" --output json start --amount 1000 --request-id "scrape-$i" >"$work/start-$i.json"
done
payment=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["paymentId"])' "$work/start-1.json")
"$ctl" --gateway "$grpc" --output json start --amount 1000 --request-id scrape-1 >/dev/null  # a repeat
"$ctl" --gateway "$grpc" state --payment 0123456789abcdef0123456789abcdef >/dev/null 2>&1 || true
curl -fsS -X POST -d '{}' "$http/_sandbox/payments/$payment/pay" >/dev/null
for _ in 1 2; do
  [ "$(curl -s -o /dev/null -w '%{http_code}' -X POST "http://$callback/callback/demo/forged?paymentId=$payment")" = 404 ] ||
    { echo "FAIL: a forged callback was not refused"; exit 1; }
done

# What Prometheus must report (raw counter values), within 30 s of scrapes.
python3 - "http://127.0.0.1:$port" <<'PY'
import json, sys, time, urllib.parse, urllib.request
base = sys.argv[1]
expected = {
    'up{job="barion-gateway"}': ("==", 1),
    'barion_gateway_webhook_attempts_total{endpoint="crm",result="failed"}': (">=", 1),
    'sum(grpc_server_started_total{grpc_method="StartPayment"})': ("==", 4),
    'sum(grpc_server_handled_total{grpc_method="StartPayment",grpc_code="OK"})': ("==", 4),
    'sum(grpc_server_handled_total{grpc_method="GetPaymentState"})': ("==", 1),
    'barion_gateway_start_ledger_total{result="new"}': ("==", 3),
    'barion_gateway_start_ledger_total{result="repeat"}': ("==", 1),
    'barion_gateway_barion_requests_total{endpoint="/v2/Payment/Start",outcome="ok"}': ("==", 3),
    'sum(barion_gateway_barion_requests_total{endpoint="/v4/Payment/{PaymentId}/PaymentState"})': (">=", 2),
    'barion_gateway_callbacks_received_total{result="wrong_secret"}': ("==", 2),
    'barion_gateway_callbacks_received_total{result="accepted"}': (">=", 1),
    'barion_gateway_events_appended_total{source="callback"}': (">=", 1),
    'barion_gateway_callback_inbox_backlog': ("==", 0),
    'count(barion_gateway_build_info)': ("==", 1),
}
def query(q):
    url = base + "/api/v1/query?" + urllib.parse.urlencode({"query": q})
    body = json.load(urllib.request.urlopen(url, timeout=5))
    result = body["data"]["result"]
    return float(result[0]["value"][1]) if result else None
deadline = time.time() + 30
while True:
    got = {q: query(q) for q in expected}
    bad = {q: v for q, v in got.items()
           if v is None or not (v == expected[q][1] if expected[q][0] == "==" else v >= expected[q][1])}
    if not bad:
        break
    if time.time() > deadline:
        for q, v in bad.items():
            print("FAIL: %s = %s, expected %s %s" % (q, v, *expected[q]))
        sys.exit(1)
    time.sleep(0.5)
print("prometheus_scrape: %d queries match what the test did" % len(expected))
PY

# Every metric the shipped dashboard and alert rules name is one /metrics exports (the calls
# above made the series that appear on first use), and every dashboard query is PromQL that
# Prometheus accepts.
curl -fsS "http://$admin/metrics" >"$work/metrics.txt"
python3 - "http://127.0.0.1:$port" "$work/metrics.txt" "$dashboard" "$alerts" <<'PY'
import json, re, sys, urllib.parse, urllib.request
base, metrics_file, dashboard_file, alerts_file = sys.argv[1:5]
exported = set()
for line in open(metrics_file):
    if line.strip() and not line.startswith("#"):
        exported.add(re.match(r"[a-zA-Z_:][a-zA-Z0-9_:]*", line).group(0))
names = re.compile(r"\b((?:grpc_server|barion_gateway)_[a-z_]+)\b")
dashboard = json.load(open(dashboard_file))
exprs = [t["expr"] for p in dashboard["panels"] for t in p.get("targets", [])]
missing = set()
for text in exprs + [open(alerts_file).read()]:
    missing |= {n for n in names.findall(text) if n not in exported}
failures = ["FAIL: %s is named by the dashboard or the alerts but not exported" % n for n in sorted(missing)]
for expr in exprs:
    q = (expr.replace("$__rate_interval", "1m").replace("$__range", "5m").replace("$instance", ".*"))
    url = base + "/api/v1/query?" + urllib.parse.urlencode({"query": q})
    try:
        status = json.load(urllib.request.urlopen(url, timeout=5))["status"]
    except Exception as e:  # a 400 for a query Prometheus cannot parse
        status = str(e)
    if status != "success":
        failures.append("FAIL: the dashboard query %r is refused: %s" % (expr, status))
if len(exprs) < 20:
    failures.append("FAIL: only %d dashboard queries found" % len(exprs))
print("\n".join(failures) or "dashboard: %d queries, every metric exported and every query valid" % len(exprs))
sys.exit(1 if failures else 0)
PY

# The gateway logged in JSON (--log_format=json): every line one object with time, level and
# msg, the calls' lines with their trace ids; the lines go to this test's log for the suite's
# secret scan.
kill -TERM "$gw_pid"; wait "$gw_pid" || true
cat "$work/gateway.log"
python3 - "$work/gateway.log" <<'PY'
import json, sys
lines = [l for l in open(sys.argv[1], encoding="utf-8") if l.strip()]
calls = 0
for line in lines:
    entry = json.loads(line)  # fails the test on a line that is not JSON
    assert {"time", "level", "msg"} <= entry.keys(), line
    if "rpc" in entry:
        calls += 1
        assert len(entry["trace_id"]) == 32 and isinstance(entry["duration_ms"], float), line
assert calls >= 5, "only %d call lines" % calls
print("json_log: %d lines, %d call lines, all JSON" % (len(lines), calls))
PY
