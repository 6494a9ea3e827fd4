#!/usr/bin/env bash
# Runs doc_digests.py (beside this script) over the files given: the docs, the README and the
# shipped example configuration.
set -euo pipefail
exec /usr/bin/python3 "$(dirname "$0")/doc_digests.py" "$@"
