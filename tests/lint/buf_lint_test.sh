#!/usr/bin/env bash
# buf lint (STANDARD and COMMENTS rules, see buf.yaml) over every .proto in proto/.
set -euo pipefail
buf="$1"
[ -x "$buf" ] || buf="../${1#external/}"  # external repos sit beside the main one in runfiles
"$buf" lint
echo "buf lint: ok"
