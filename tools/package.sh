#!/usr/bin/env bash
# Builds the Debian package in one command: optimized binaries stamped with the commit, then
# tools/make_deb.sh. Usage: tools/package.sh [OUT_DIR, default dist]; prints the .deb's path.
# Install it with `apt install ./dist/barion-gateway_*.deb` (docs/OPERATIONS.md).
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-dist}"
bash tools/install_deps.sh >&2
commit=$(git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)
git diff --quiet HEAD 2>/dev/null || commit="$commit-dirty"
# The commit goes into server/version.cc only, so nothing else is rebuilt for it.
bazel build -c opt --per_file_copt="server/version.cc@-DBARION_GATEWAY_COMMIT=\"$commit\"" \
  //server:barion_gateway //client:barionctl >&2
deb=$(bash tools/make_deb.sh bazel-bin/server/barion_gateway bazel-bin/client/barionctl "$out")
lintian --fail-on error "$deb" >&2
echo "$deb"
