#!/usr/bin/env bash
# Installs what is missing, then runs every test (unit, integration, sandbox, polyglot, lint)
# with Bazel, offline, a short smoke run of every benchmark (tools/bench_smoke.sh) and a scan of
# every test's output for secrets (tools/secret_scan.sh). The last line is "N passed, N failed"
# (one per test case).
set -uo pipefail
cd "$(dirname "$0")/.."
bash tools/install_deps.sh || { echo "0 passed, 1 failed"; exit 1; }

rc=0
bazel test //... "$@" || rc=$?
targets=$(bazel query 'tests(//...)' 2>/dev/null)
# Every benchmark runs for about a second, so none can rot (each counts as one test case).
smoke=$(bash tools/bench_smoke.sh 2>&1) || rc=1
echo "$smoke"
smoke_counts=$(echo "$smoke" | sed -n 's/^bench_smoke: passed=\([0-9]*\) failed=\([0-9]*\)$/\1 \2/p')
[ -n "$smoke_counts" ] || smoke_counts="0 1"
# No secret in anything the suite wrote (tools/secret_scan.sh; its self-test first): two cases.
scan=$( (bash tools/secret_scan.sh --self-test; bash tools/secret_scan.sh) 2>&1) || rc=1
echo "$scan"
read -r smoke_passed smoke_failed <<<"$smoke_counts"
for counts in $(echo "$scan" | sed -n 's/^secret_scan: passed=\([0-9]*\) failed=\([0-9]*\)$/\1:\2/p'); do
  smoke_passed=$((smoke_passed + ${counts%%:*})); smoke_failed=$((smoke_failed + ${counts##*:}))
done
[ "$(echo "$scan" | grep -c '^secret_scan: passed=')" -eq 2 ] || smoke_failed=$((smoke_failed + 1))
smoke_counts="$smoke_passed $smoke_failed"
[ "${CI:-}" = "true" ] && bazel shutdown  # the Bazel server would otherwise idle for hours

# Bazel's own summary is not a line CI reads; count test cases from each target's test.xml.
/usr/bin/python3 - "$targets" $smoke_counts <<'PY'
import os, sys, xml.etree.ElementTree as ET
passed, failed = int(sys.argv[2]), int(sys.argv[3])
for label in sys.argv[1].split():
    pkg, name = label.lstrip("/").split(":")
    xml = os.path.join("bazel-testlogs", pkg, name, "test.xml")
    if not os.path.exists(xml):
        failed += 1  # did not build or did not run
        print(f"no result for {label}")
        continue
    cases = list(ET.parse(xml).getroot().iter("testcase"))
    for case in cases:
        bad = case.find("failure") is not None or case.find("error") is not None
        failed += bad
        passed += not bad
    if not cases:
        failed += 1
print(f"{passed} passed, {failed} failed")
PY
exit $rc
