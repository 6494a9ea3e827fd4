#!/usr/bin/env bash
# The layering rules of docs/ARCHITECTURE.md:
#   1. nothing in the Barion client (server/barion), the common code (server/common), caller
#      identity (server/auth) or the operations layer (server/operations) depends on gRPC: the build graph says so ($1, a
#      genquery of their dependencies that are gRPC libraries, must be empty);
#   2. no source under server/ includes a grpcpp header, except the RPC surface (server/rpc),
#      the event hub (its stream reactors) and the assembly (server/gateway.*);
#   3. the sandbox depends on nothing under server/ ($2, a genquery, must be empty);
#   4. the sandbox's model (sandbox/model) depends on no HTTP library ($3, a genquery, must be
#      empty), and no source under it includes one: it is socket-free, driven directly by tests;
#   5. no source of the gateway, the sandbox or the client is over 700 lines (split it along a
#      seam: docs/ARCHITECTURE.md).
set -euo pipefail
fail=0
if [[ -s "$1" ]]; then
  echo "FAIL: the Barion client or the operations layer depends on gRPC:"
  cat "$1"
  fail=1
fi
if [[ -s "$2" ]]; then
  echo "FAIL: the sandbox depends on the gateway's code:"
  cat "$2"
  fail=1
fi
if [[ -s "$3" ]]; then
  echo "FAIL: the sandbox's model depends on an HTTP library:"
  cat "$3"
  fail=1
fi
if grep -l '#include "httplib.h"' sandbox/model/*.cc sandbox/model/*.h 2>/dev/null; then
  echo "FAIL: the sources above under sandbox/model include httplib.h"
  fail=1
fi
allowed='^server/(rpc/|events/event_hub\.|gateway\.)'
while IFS= read -r file; do
  if [[ ! "$file" =~ $allowed ]] && grep -q '#include "grpcpp/' "$file"; then
    echo "FAIL: $file includes a grpcpp header outside the RPC surface"
    fail=1
  fi
done < <(find server -name '*.cc' -o -name '*.h' | sort)
count=$(find server -name '*.cc' -o -name '*.h' | wc -l)
if [[ "$count" -lt 40 ]]; then
  echo "FAIL: only $count sources found: the check looked at the wrong tree"
  fail=1
fi
while IFS= read -r file; do
  lines=$(wc -l <"$file")
  if [[ "$lines" -gt 700 ]]; then
    echo "FAIL: $file has $lines lines (at most 700)"
    fail=1
  fi
done < <(find server sandbox client -name '*.cc' -o -name '*.h' | sort)
[[ $fail -eq 0 ]] && echo "layers: $count sources checked, no gRPC below the RPC surface"
exit $fail
