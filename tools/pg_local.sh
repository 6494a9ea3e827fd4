#!/usr/bin/env bash
# A PostgreSQL 15 cluster of its own, from Debian's binaries, for the local cluster
# (tools/cluster.sh), the multi-replica tests and the benchmarks:
#
#   tools/pg_local.sh start DIR [--fast]   initdb in DIR (if new), start on a free loopback port,
#                                          create the database "gateway"; prints "dsn=..."
#   tools/pg_local.sh stop DIR             fast shutdown (open transactions rolled back)
#   tools/pg_local.sh restart DIR          start again on the same port (an outage, for tests)
#
# Loopback only, trust authentication for the postgres user (a local, throwaway cluster; a real
# deployment uses a password or a certificate: docs/SCALING.md). --fast turns fsync off (tests
# only: a power cut may lose commits). PostgreSQL refuses to run as root, so as root the cluster
# runs as the `postgres` user, and DIR must be somewhere that user can enter (e.g. under /tmp).
set -euo pipefail
bin=/usr/lib/postgresql/15/bin
command="${1:?usage: pg_local.sh start|stop|restart DIR [--fast]}"
dir="${2:?usage: pg_local.sh start|stop|restart DIR [--fast]}"
fast="${3:-}"
as_owner() {
  # From / : the postgres user may not be able to enter the caller's folder.
  if [ "$(id -u)" = 0 ]; then (cd / && /usr/sbin/runuser -u postgres -- "$@"); else "$@"; fi
}
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
start() {
  local port options
  port=$(cat "$dir/port")
  options="-c listen_addresses=127.0.0.1 -p $port -k $dir -c max_connections=300"
  [ "$(cat "$dir/fast" 2>/dev/null)" = 1 ] && options="$options -c fsync=off"
  as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 -o "$options" start >/dev/null
}
case "$command" in
  start)
    [ -x "$bin/initdb" ] || { echo "PostgreSQL 15 is not installed (apt-get install postgresql-15)" >&2; exit 1; }
    mkdir -p "$dir"
    if [ ! -d "$dir/data" ]; then
      [ "$(id -u)" = 0 ] && chown postgres: "$dir"
      as_owner "$bin/initdb" -D "$dir/data" -A trust -U postgres -E UTF8 --locale=C.UTF-8 >/dev/null
      free_port >"$dir/port"
      if [ "$fast" = --fast ]; then echo 1 >"$dir/fast"; else echo 0 >"$dir/fast"; fi
      [ "$(id -u)" = 0 ] && chown postgres: "$dir/port" "$dir/fast"
      start
      as_owner "$bin/createdb" -h 127.0.0.1 -p "$(cat "$dir/port")" -U postgres gateway
    else
      start
    fi
    echo "dsn=host=127.0.0.1 port=$(cat "$dir/port") user=postgres dbname=gateway"
    ;;
  stop) as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null ;;
  restart) start ;;
  *) echo "usage: pg_local.sh start|stop|restart DIR [--fast]" >&2; exit 2 ;;
esac
