#!/usr/bin/env bash
# Three gateway replicas sharing one PostgreSQL (docs/SCALING.md), real processes: a StartPayment
# sent to two replicas at once makes one Barion payment; the sandbox's callbacks reach the
# replicas round-robin through a load balancer; one replica is SIGKILLed holding claimed,
# unprocessed receipts, and the others finish its work; six subscribers (two per replica) each
# see every event once in one order, those of the killed replica resuming on another from their
# cursor. Then PostgreSQL stops for a while under load and starts again: callbacks are refused
# (503) meanwhile, /readyz says so, and the replicas recover by themselves, losing nothing
# acknowledged. PostgreSQL is Debian's, started in a temporary folder by tools/pg_local.sh.
set -euo pipefail
source tests/polyglot/helpers.sh
source tests/e2e/replicas.sh
gateway="$1"; sandbox="$2"
google_protos="$(dirname "$(dirname "$(runfile "$3")")")"
health_proto="$(runfile "$4")"
work="${TEST_TMPDIR:-$(mktemp -d)}"
gen_python "$work/gen"
pg=$(mktemp -d /tmp/barion-replicas-pg-XXXXXX)  # the postgres user must be able to enter it

export BARION_POS_KEY="$(openssl rand -hex 16)"
pids=()
cleanup() {
  kill -9 "${pids[@]}" "${sb_pid:-}" "${lb_pid:-}" 2>/dev/null || true
  bash tools/pg_local.sh stop "$pg" 2>/dev/null || true
  rm -rf "$pg"
}
trap cleanup EXIT

dsn=$(bash tools/pg_local.sh start "$pg" --fast | sed -n 's/^dsn=//p')
# Barion's callback retries at a tenth of their real spacing (2.4 s in all at 0.01): they outlast
# the database outage below.
start_sandbox "$sandbox" "$work" --rate_limit=false --time_scale=0.1
start_balancer

start_replicas "$dsn" "" || exit 1
replicas=()
for i in 1 2 3; do
  replicas+=("$(grpc_of "$i")" "${pids[$((i - 1))]}" "$(admin_of "$i")")
done

if ! /usr/bin/python3 tests/e2e/replicas_test.py run "$http" "$dsn" "$pg" "$work/lb.log" \
  "${replicas[@]}" "$work/gen"; then
  for i in 1 2 3; do echo "--- replica $i"; tail -20 "$work/r$i.log"; done
  exit 1
fi
