# Three gateway replicas on one PostgreSQL behind a callback load balancer, for the e2e tests that
# share them (sourced after tests/polyglot/helpers.sh and start_sandbox, which sets $https and
# $ca; $work, $gateway and the array pids set by the caller).

# Starts the balancer that spreads the sandbox's callbacks over the callback listeners listed in
# $work/backends (start_replicas fills it); sets lb_pid and lb, its address.
start_balancer() {
  : >"$work/backends"
  /usr/bin/python3 tests/e2e/replicas_test.py balancer "$work/lb.addr" "$work/backends" \
    "$work/lb.log" &
  lb_pid=$!
  await_file "$work/lb.addr"
  lb=$(cat "$work/lb.addr")
}

# Starts replicas 1 to 3 on the PostgreSQL at $1 (a DSN), each with the shop "demo", callbacks
# through the balancer and $2 appended to its configuration; each logs to $work/r<i>.log. Waits
# until each listens and adds its callback listener to the balancer. Appends their pids to pids.
# On a replica that does not start: prints its log's end and returns 1.
start_replicas() {
  local dsn="$1" extra="$2" i
  for i in 1 2 3; do
    mkdir -p "$work/r$i"
    cat >"$work/r$i/gateway.textproto" <<CONFIG
shops {
  name: "demo" pos_key_env: "BARION_POS_KEY" payee: "demo-shop@sandbox.local"
  defaults { redirect_url: "http://127.0.0.1:8080/payment/return" locale: "en-US" }
}
callback_public_base_url: "$lb"
store { postgres { dsn: "$dsn" pool_size: 4 claim_lease { seconds: 3 } } }
$extra
CONFIG
    (cd "$work/r$i" && exec "$OLDPWD/$gateway" --config=gateway.textproto \
       --grpc_address=127.0.0.1:0 --callback_address=127.0.0.1:0 --admin_address=127.0.0.1:0 \
       --addresses_file="$work/r$i.addr" --barion_base_url="$https" --barion_ca_file="$ca") \
       >"$work/r$i.out" 2>"$work/r$i.log" &
    pids+=($!)
  done
  for i in 1 2 3; do
    if ! await_file "$work/r$i.addr"; then
      echo "FAIL: replica $i did not start:"; tail -20 "$work/r$i.log"; return 1
    fi
    sed -n 's/^callback=//p' "$work/r$i.addr" >>"$work/backends"
  done
}

# The gRPC and admin addresses of replica $1.
grpc_of() { sed -n 's/^grpc=//p' "$work/r$1.addr"; }
admin_of() { sed -n 's/^admin=//p' "$work/r$1.addr"; }
