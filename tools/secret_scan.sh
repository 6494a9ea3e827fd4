#!/usr/bin/env bash
# Secret scan over what the whole test suite wrote: every test's log (the gateway's log lines,
# errors, failure messages) and undeclared outputs. It looks for each fixed secret the tests use
# (the POSKeys, API keys and bearer tokens declared as k...Key[] / k...Token[] constants in
# tests/, found here so the list cannot go stale) and for any PEM private key. Tests that make
# secrets at run time (random keys and tokens, test PKIs) scan their own outputs.
# Usage: tools/secret_scan.sh [TESTLOGS_DIR]; --self-test plants a secret and must find it.
# Last line: "secret_scan: passed=N failed=N".
set -uo pipefail
cd "$(dirname "$0")/.."

secrets() {
  grep -rhoE 'k[A-Za-z]*(Key|Token)\[\] = "[^"]{16,}"' tests/ | sed -E 's/.*= "(.*)"/\1/' | sort -u
}

# Prints the files under $1 holding a secret or a private key; status 1 when there is one.
scan() {
  local dir="$1" found=0 list
  list="$(mktemp)"
  secrets >"$list"
  [ -s "$list" ] || { echo "no secrets found in tests/: the scan would prove nothing"; return 1; }
  while IFS= read -r file; do
    if grep -qF -f "$list" "$file" || grep -qE -- '-----BEGIN ([A-Z]+ )?PRIVATE KEY-----' "$file"; then
      echo "secret in $file: $(grep -oF -f "$list" "$file" | head -1 | cut -c1-6)..."
      found=1
    fi
  done < <(find "$dir" -type f \( -name 'test.log' -o -path '*test.outputs*' \) 2>/dev/null)
  rm -f "$list"
  return "$found"
}

if [ "${1:-}" = "--self-test" ]; then
  planted="$(mktemp -d)"
  mkdir -p "$planted/t"
  # A text line, then a JSON line (--log_format=json): each must be found.
  for line in "rpc=StartPayment pos_key=$(secrets | head -1)" \
              "{\"level\":\"INFO\",\"msg\":\"\",\"rpc\":\"StartPayment\",\"key\":\"$(secrets | tail -1)\"}"; do
    echo "$line" >"$planted/t/test.log"
    if scan "$planted" >/dev/null; then
      echo "secret_scan: the self-test's planted secret was not found in: ${line:0:30}..."
      echo "secret_scan: passed=0 failed=1"; exit 1
    fi
  done
  rm -rf "$planted"
  echo "secret_scan: passed=1 failed=0"; exit 0
fi

if scan "${1:-bazel-testlogs}/"; then
  echo "secret_scan: passed=1 failed=0"
else
  echo "secret_scan: passed=0 failed=1"; exit 1
fi
