# Sourced by end-to-end tests (helpers below): stubs and builds of the client examples
# (gen_python, build_go_example, gen_ruby, build_java_example with java_classpath), and starting
# the sandbox and the gateway. gen_python: Python stubs for the gateway's protos into $1 with
# Debian's protoc and grpc_python_plugin. Needs $google_protos (folder holding google/rpc) and
# $health_proto (grpc-health-check's health.proto).
gen_python() {
  local gen="$1"
  mkdir -p "$gen"
  /usr/bin/protoc -Iproto -I"$google_protos/.." --python_out="$gen" --grpc_out="$gen" \
    --plugin=protoc-gen-grpc=/usr/bin/grpc_python_plugin \
    proto/barion/v1/types.proto proto/barion/v1/payment_service.proto \
    proto/barion/v1/payment_event.proto \
    google/rpc/status.proto google/rpc/error_details.proto
  /usr/bin/protoc -I"$(dirname "$(dirname "$(dirname "$health_proto")")")" --python_out="$gen" \
    --grpc_out="$gen" --plugin=protoc-gen-grpc=/usr/bin/grpc_python_plugin health/v1/health.proto
  touch "$gen/barion/__init__.py" "$gen/barion/v1/__init__.py" "$gen/health/__init__.py" \
    "$gen/health/v1/__init__.py"
}

# build_go_example DIR [check]: the Go examples (examples/go/take_payment.go and examples/webshop)
# built by examples/go/build.sh into DIR (with "check": vetted and tested), with DIR as the Go
# tools' home.
build_go_example() {
  mkdir -p "$1"
  HOME="$(cd "$1" && pwd)" bash examples/go/build.sh "$@"
}

# The class path of the Java example: Debian's grpc-java 1.41 with its Netty transport, protobuf
# and what they need at run time (tools/install_deps.sh installs them), and netty-tcnative, the
# OpenSSL TLS that gives Netty 4.1.48 the ALPN gRPC needs (with the JDK's TLS Debian's Netty has
# none). The google.rpc classes are generated with the stubs: Debian's
# proto-google-common-protos (1.16) predates ErrorInfo.
java_classpath() {
  local jars=(grpc-api grpc-core grpc-context grpc-netty grpc-protobuf grpc-protobuf-lite grpc-stub
              protobuf guava perfmark-api gson
              geronimo-annotation-1.3-spec netty-buffer netty-codec netty-codec-http
              netty-codec-http2 netty-codec-socks netty-common netty-handler netty-handler-proxy
              netty-resolver netty-transport netty-transport-native-unix-common netty-tcnative)
  local cp="" j
  for j in "${jars[@]}"; do cp+="${cp:+:}/usr/share/java/$j.jar"; done
  echo "$cp"
}

# build_java_example DIR: Java stubs for the gateway's protos (Debian's grpc_java_plugin) and
# the google.rpc status and error details (needs $google_protos, as gen_python), examples/java
# compiled with them into DIR/classes, and DIR/native/libnetty_tcnative.so: Debian's
# libnetty-tcnative.so under the name Netty loads (a copy: the library checks its own file name).
build_java_example() {
  local dir="$1"
  mkdir -p "$dir/gen" "$dir/classes" "$dir/native"
  /usr/bin/protoc -Iproto -I"$google_protos/.." --java_out="$dir/gen" --grpc-java_out="$dir/gen" \
    --plugin=protoc-gen-grpc-java=/usr/bin/grpc_java_plugin proto/barion/v1/types.proto \
    proto/barion/v1/payment_service.proto proto/barion/v1/payment_event.proto \
    google/rpc/status.proto google/rpc/error_details.proto
  javac -nowarn -d "$dir/classes" -cp "$(java_classpath)" $(find "$dir/gen" -name '*.java') \
    examples/java/TakePayment.java
  cp /usr/lib/x86_64-linux-gnu/jni/libnetty-tcnative.so "$dir/native/libnetty_tcnative.so"
}

# run_java_example DIR ARGS...: runs the example build_java_example built into DIR.
run_java_example() {
  local dir="$1"
  shift
  java -Djava.library.path="$dir/native" -cp "$dir/classes:$(java_classpath)" TakePayment "$@"
}

# gen_ruby DIR: Ruby stubs for the gateway's protos (Debian's grpc_tools_ruby_protoc) into DIR.
gen_ruby() {
  mkdir -p "$1"
  /usr/bin/grpc_tools_ruby_protoc -Iproto --ruby_out="$1" --grpc_out="$1" \
    proto/barion/v1/types.proto proto/barion/v1/payment_service.proto \
    proto/barion/v1/payment_event.proto
}

# Resolves an external repository's file path given by $(location) inside runfiles.
runfile() { if [ -e "$1" ]; then echo "$1"; else echo "../${1#external/}"; fi; }

# Waits until file $1 is non-empty (at most 5 s).
await_file() { for _ in $(seq 100); do [ -s "$1" ] && return 0; sleep 0.05; done; return 1; }

# Starts the sandbox binary $1 on free ports with its data in $2 (extra flags after), sets
# sb_pid, https, http and ca.
start_sandbox() {
  local binary="$1" dir="$2"
  shift 2
  "$binary" --http_address=127.0.0.1:0 --https_address=127.0.0.1:0 --data_dir="$dir/sandbox" \
    --addresses_file="$dir/sandbox.addr" --time_scale=0.01 "$@" >"$dir/sandbox.log" 2>&1 &
  sb_pid=$!
  await_file "$dir/sandbox.addr"
  https=$(sed -n 's/^https=//p' "$dir/sandbox.addr")
  http=$(sed -n 's/^http=//p' "$dir/sandbox.addr")
  ca=$(sed -n 's/^ca=//p' "$dir/sandbox.addr")
}

# Starts the gateway binary $1 on free ports against the sandbox started above (https, ca), with
# its data in $2/gateway and the extra flags after; sets gw_pid and grpc.
start_gateway() {
  local binary="$1" dir="$2"
  shift 2
  mkdir -p "$dir/gateway"
  (cd "$dir/gateway" && exec "$OLDPWD/$binary" --grpc_address=127.0.0.1:0 \
     --callback_address=127.0.0.1:0 --admin_address=127.0.0.1:0 --addresses_file="$dir/gateway.addr" \
     --barion_base_url="$https" --barion_ca_file="$ca" "$@") \
    >"$dir/gateway.out" 2>"$dir/gateway.log" &
  gw_pid=$!
  await_file "$dir/gateway.addr"
  grpc=$(sed -n 's/^grpc=//p' "$dir/gateway.addr")
}

# Starts the gateway binary $1 with the configuration file $3 (relative paths in it are under
# $2) and the extra flags after, on free ports, against the sandbox started above (https, ca); its
# output in $2/gateway.out and $2/gateway.log. Sets gw_pid and grpc.
start_gateway_with_config() {
  local binary="$1" dir="$2" config="$3"
  shift 3
  (cd "$dir" && exec "$OLDPWD/$binary" --config="$config" --grpc_address=127.0.0.1:0 \
     --callback_address=127.0.0.1:0 --admin_address=127.0.0.1:0 --addresses_file="$dir/gateway.addr" \
     --barion_base_url="$https" --barion_ca_file="$ca" "$@") \
    >"$dir/gateway.out" 2>"$dir/gateway.log" &
  gw_pid=$!
  await_file "$dir/gateway.addr"
  grpc=$(sed -n 's/^grpc=//p' "$dir/gateway.addr")
}
