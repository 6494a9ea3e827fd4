#!/usr/bin/env bash
# The Debian package: tools/make_deb.sh builds it from this build's binaries, lintian finds no
# error, and the unpacked binaries run: --version, --help, and --check_config on the packaged
# example configuration (valid once its credential exists; a broken one is refused with the
# setting named, and no key is printed).
set -euo pipefail
gateway="$1"; ctl="$2"
work="${TEST_TMPDIR:-$(mktemp -d)}"
command -v lintian >/dev/null || { echo "FAIL: lintian missing (tools/install_deps.sh)"; exit 1; }
deb=$(bash tools/make_deb.sh "$gateway" "$ctl" "$work/out")
lintian --fail-on error --tag-display-limit 0 "$deb" || { echo "FAIL: lintian found errors"; exit 1; }

root="$work/root"
dpkg-deb -x "$deb" "$root"
for path in usr/bin/barion_gateway usr/bin/barionctl lib/systemd/system/barion-gateway.service \
    etc/barion-gateway/gateway.textproto usr/share/barion-gateway/prometheus/alerts.yml \
    usr/share/barion-gateway/grafana/barion-gateway.json usr/share/doc/barion-gateway/copyright \
    usr/share/doc/barion-gateway/docs/OPERATIONS.md; do
  [ -e "$root/$path" ] || { echo "FAIL: the package lacks /$path"; exit 1; }
done
[ "$(dpkg-deb -f "$deb" Package)" = barion-gateway ] || { echo "FAIL: package name"; exit 1; }
dpkg-deb -f "$deb" Depends | grep -q "libgrpc++1.51" || { echo "FAIL: Depends lacks gRPC"; exit 1; }
dpkg-deb -f "$deb" Conffiles 2>/dev/null || true
dpkg-deb --ctrl-tarfile "$deb" | tar -xO ./conffiles | grep -qx /etc/barion-gateway/gateway.textproto ||
  { echo "FAIL: the configuration is not a conffile"; exit 1; }

bin="$root/usr/bin"
"$bin/barion_gateway" --version | grep -Eq '^barion-grpc-gateway [0-9]+\.[0-9]+\.[0-9]+ \(commit ' ||
  { echo "FAIL: --version"; exit 1; }
help=$("$bin/barion_gateway" --help 2>&1 || true)  # Abseil's --help exits 1
echo "$help" | grep -q -- "--check_config" || { echo "FAIL: --help: $help"; exit 1; }
ctl_help=$("$bin/barionctl" --help 2>&1 || true)
echo "$ctl_help" | grep -q "Commands:" || { echo "FAIL: barionctl --help: $ctl_help"; exit 1; }

# The packaged configuration, with its credential where systemd would put it (here: a file of
# the test's).
key="$(openssl rand -hex 16)"
printf '%s' "$key" >"$work/pos-key"
sed "s|/run/credentials/barion-gateway.service/pos-key|$work/pos-key|" \
  "$root/etc/barion-gateway/gateway.textproto" >"$work/gateway.textproto"
out=$("$bin/barion_gateway" --check_config="$work/gateway.textproto" 2>&1) ||
  { echo "FAIL: the packaged configuration is invalid: $out"; exit 1; }
echo "$out" | grep -q "valid (shops=webshop" || { echo "FAIL: --check_config said: $out"; exit 1; }
# Without the credential, and with a setting wrong: refused, exit 2, the setting named.
set +e
missing=$("$bin/barion_gateway" --check_config="$root/etc/barion-gateway/gateway.textproto" 2>&1); rc1=$?
sed 's/grpc_address: "127.0.0.1:50051"/grpc_address: "0.0.0.0:50051"/' "$work/gateway.textproto" >"$work/exposed.textproto"
exposed=$("$bin/barion_gateway" --check_config="$work/exposed.textproto" 2>&1); rc2=$?
set -e
[ "$rc1" = 2 ] && echo "$missing" | grep -q "pos_key_file" || { echo "FAIL: missing credential: $rc1 $missing"; exit 1; }
[ "$rc2" = 2 ] && echo "$exposed" | grep -q "callers" || { echo "FAIL: exposed listener: $rc2 $exposed"; exit 1; }
if echo "$out$missing$exposed" | grep -qF "$key"; then echo "FAIL: a key was printed"; exit 1; fi
echo "package: $(basename "$deb") built, lintian clean of errors, binaries and config check run"
