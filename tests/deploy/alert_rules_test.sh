#!/usr/bin/env bash
# The shipped alert rules: promtool accepts them, their unit tests pass (each alert fires for an
# unhealthy instance and not for a healthy one), every alert has such a test and a runbook
# section in docs/OPERATIONS.md.
set -euo pipefail
command -v promtool >/dev/null || { echo "FAIL: promtool is not installed (tools/install_deps.sh)"; exit 1; }
rules=deploy/prometheus/alerts.yml
promtool check rules "$rules"
(cd deploy/prometheus && promtool test rules alerts_test.yml)
fail=0
alerts=$(sed -n 's/^ *- alert: *//p' "$rules")
[ "$(echo "$alerts" | wc -l)" -ge 8 ] || { echo "FAIL: too few alerts found in $rules"; exit 1; }
for alert in $alerts; do
  grep -q "alertname: $alert\$" deploy/prometheus/alerts_test.yml ||
    { echo "FAIL: $alert has no unit test in alerts_test.yml"; fail=1; }
  grep -q "^### $alert\$" docs/OPERATIONS.md ||
    { echo "FAIL: $alert has no runbook section (### $alert) in docs/OPERATIONS.md"; fail=1; }
done
[ $fail -eq 0 ] && echo "alert_rules: $(echo "$alerts" | wc -l) alerts checked, tested and documented"
exit $fail
