#!/usr/bin/env bash
# buf breaking: the protos must not break generated clients compared with the previous commit
# (rules FILE: no removed or renumbered fields, no changed types, no removed RPCs, ...). A new
# package version (barion.v2 beside barion.v1) is the way to change the API incompatibly.
# Finds the git checkout through the runfiles' symlinks; outside one (an exported tree), or at
# the first commit, there is nothing to compare with and the test says so.
set -euo pipefail
buf="$1"
[ -x "$buf" ] || buf="../${1#external/}"
buf="$(cd "$(dirname "$buf")" && pwd)/$(basename "$buf")"
source_proto="$(dirname "$(readlink -f buf.yaml)")"
if ! root="$(git -C "$source_proto" rev-parse --show-toplevel 2>/dev/null)"; then
  echo "buf breaking: not in a git checkout, nothing to compare with"; exit 0
fi
if ! git -C "$root" rev-parse --verify -q HEAD~1 >/dev/null; then
  echo "buf breaking: no previous commit"; exit 0
fi
work="${TEST_TMPDIR:-$(mktemp -d)}"
mkdir -p "$work/previous"
git -C "$root" archive HEAD~1 proto buf.yaml | tar -x -C "$work/previous"
# The working tree's protos (as the test sees them) against the previous commit's.
"$buf" breaking proto --against "$work/previous/proto"
echo "buf breaking against $(git -C "$root" rev-parse --short HEAD~1): ok"
