#!/usr/bin/env bash
# Installs what the build and the tests need, if it is missing: Debian packages and the npm
# packages of tools/package.json (google.rpc protos, buf, gRPC for Node, standardwebhooks) into
# third_party/npm.
# Idempotent; quiet when all is present.
set -euo pipefail
cd "$(dirname "$0")/.."
export DEBIAN_FRONTEND=noninteractive
PKGS=(bazel-bootstrap libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler
      libabsl-dev libcpp-httplib-dev rapidjson-dev libgtest-dev libgmock-dev libssl-dev
      libsqlite3-dev python3-grpcio python3-grpc-tools python3-protobuf openssl curl
      clang libclang-rt-14-dev pkg-config strace prometheus-cpp-dev
      prometheus lintian systemd postgresql-15 libpq-dev
      # The Go example (tests/polyglot:go_example_test): grpc-go 1.33 needs the APIv2-based
      # golang/protobuf 1.5 to read messages that protoc-gen-go 1.28 generates.
      golang-go protoc-gen-go protoc-gen-go-grpc golang-google-grpc-dev
      golang-google-protobuf-dev golang-google-genproto-dev golang-github-golang-protobuf-1-5-dev
      # The Ruby example (tests/polyglot:ruby_example_test).
      ruby-grpc ruby-grpc-tools ruby-googleapis-common-protos-types
      # The Java example (tests/polyglot:java_example_test): libgrpc-java depends on none of
      # these jars, which it needs at run time; netty-tcnative is Netty's OpenSSL TLS, the only
      # one with the ALPN gRPC needs in Debian's Netty.
      default-jdk-headless libgrpc-java protobuf-compiler-grpc-java-plugin libprotobuf-java
      libguava-java libgoogle-gson-java libnetty-java libperfmark-java
      libgeronimo-annotation-1.3-spec-java libnetty-tcnative-java libnetty-tcnative-jni
      # The web shop in a real browser (tests/polyglot:webshop_test): Debian's Chromium driven
      # by Selenium, certutil for the browser's trust store, and fonts for the screenshots.
      chromium chromium-driver python3-selenium libnss3-tools fonts-liberation
      # The PHP webhook receiver (examples/webhooks/receiver.php, tests/polyglot).
      php8.2-cli)
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# Node and npm: the machine image may bring its own; Debian's otherwise.
command -v npm >/dev/null 2>&1 || missing+=(nodejs npm)
if [ ${#missing[@]} -gt 0 ]; then
  echo "install_deps: installing ${missing[*]}" >&2
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
if [ ! -f third_party/npm/node_modules/google-proto-files/google/rpc/error_details.proto ] ||
   [ ! -f third_party/npm/node_modules/grpc-health-check/proto/health/v1/health.proto ] ||
   [ ! -x third_party/npm/node_modules/.bin/buf ] ||
   [ ! -f third_party/npm/node_modules/@grpc/grpc-js/package.json ] ||
   [ ! -f third_party/npm/node_modules/standardwebhooks/package.json ]; then
  echo "install_deps: installing npm tools into third_party/npm" >&2
  mkdir -p third_party/npm
  cp tools/package.json third_party/npm/package.json
  (cd third_party/npm && npm install --no-audit --no-fund --loglevel=error >/dev/null)
fi
