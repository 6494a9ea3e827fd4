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
#      seam: docs/ARCHITECTURE.md);
#   6. the layers run one way. LAYERS below lists the layer folders bottom to top; each layer's
#      BUILD makes it visible (package default_visibility) only to the assembly (//server), to
#      layers above it, and to tests and tools, so that Bazel refuses an upward dependency; and
#      every #include "server/<layer>/..." in a source of another layer goes to a layer below
#      it that is visible to the includer (an include without a BUILD dependency is caught too).
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
allowed='^server/(rpc/|grpc_status/|events/event_hub\.|gateway\.)'
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

# Bottom to top. A new layer folder must be placed here (and in docs/ARCHITECTURE.md).
LAYERS=(common api http barion auth audit metrics grpc_status events events/sqlite events/postgres
  webhooks config operations admin rpc)
rank_of() {
  local i
  for i in "${!LAYERS[@]}"; do
    [[ "${LAYERS[$i]}" == "$1" ]] && { echo "$i"; return; }
  done
  echo -1
}
# The package default_visibility entries of server/$1/BUILD, one per line.
visibility_of() {
  sed -n '/^package(default_visibility = \[/,/\])/p' "server/$1/BUILD" | grep -o '"[^"]*"' |
    tr -d '"'
}
while IFS= read -r build; do
  layer=${build#server/}
  layer=${layer%/BUILD}
  if [[ $(rank_of "$layer") -lt 0 ]]; then
    echo "FAIL: server/$layer is a layer folder missing from LAYERS (place it in the order)"
    fail=1
  fi
done < <(find server -mindepth 2 -name BUILD | sort)
for layer in "${LAYERS[@]}"; do
  rank=$(rank_of "$layer")
  if [[ ! -f "server/$layer/BUILD" ]]; then
    echo "FAIL: LAYERS names server/$layer, which has no BUILD"
    fail=1
    continue
  fi
  entries=$(visibility_of "$layer")
  if [[ -z "$entries" ]]; then
    echo "FAIL: server/$layer/BUILD sets no package default_visibility"
    fail=1
  fi
  while IFS= read -r entry; do
    case "$entry" in
      //server:__pkg__ | //tests:__subpackages__ | //tools:__subpackages__) ;;
      //server:__subpackages__)
        if [[ $rank -ne 0 ]]; then
          echo "FAIL: server/$layer is visible to all of server/; only the bottom layer may be"
          fail=1
        fi
        ;;
      //server/*:__pkg__)
        user=${entry#//server/}
        user=${user%:__pkg__}
        if [[ $(rank_of "$user") -le $rank ]]; then
          echo "FAIL: server/$layer is visible to server/$user, which is not above it"
          fail=1
        fi
        ;;
      *)
        echo "FAIL: server/$layer is visible to $entry"
        fail=1
        ;;
    esac
  done <<<"$entries"
  if grep -q '//visibility:public\|"//server:__subpackages__"' <(sed '/^package(/,/\])/d' \
    "server/$layer/BUILD"); then
    echo "FAIL: a target of server/$layer/BUILD widens its visibility to all of server/"
    fail=1
  fi
done
includes=0
while IFS= read -r file; do
  dir=$(dirname "$file")
  layer=${dir#server/}
  [[ "$dir" == server ]] && continue  # the assembly uses every layer
  rank=$(rank_of "$layer")
  while IFS= read -r target; do
    used=$(dirname "$target")
    used=${used#server/}
    [[ "$used" == "$layer" ]] && continue
    includes=$((includes + 1))
    used_rank=$(rank_of "$used")
    if [[ "$used" == "$(dirname "$target")" || $used_rank -lt 0 ]]; then
      echo "FAIL: $file includes $target, which is not in a layer (the assembly is above all)"
      fail=1
    elif [[ $used_rank -ge $rank ]]; then
      echo "FAIL: $file includes $target: server/$used is not below server/$layer"
      fail=1
    elif [[ $used_rank -ne 0 ]] &&
      ! visibility_of "$used" | grep -qx "//server/$layer:__pkg__"; then
      echo "FAIL: $file includes $target, but server/$used is not visible to server/$layer"
      fail=1
    fi
  done < <(grep -o '^#include "server/[^"]*"' "$file" | sed 's/^#include "//; s/"$//')
done < <(find server -name '*.cc' -o -name '*.h' | sort)
if [[ $includes -lt 100 ]]; then
  echo "FAIL: only $includes includes across layers found: the check looked at the wrong tree"
  fail=1
fi
[[ $fail -eq 0 ]] && echo "layers: $count sources checked, no gRPC below the RPC surface;" \
  "${#LAYERS[@]} layers one way, $includes includes across layers"
exit $fail
