#!/usr/bin/env bash
# Builds the Debian package of the gateway from built binaries (tools/package.sh builds them
# and calls this; tests/deploy/package_test.sh calls it with the test's binaries).
# Usage: tools/make_deb.sh GATEWAY_BINARY BARIONCTL_BINARY OUT_DIR
# Writes OUT_DIR/barion-gateway_VERSION_ARCH.deb and prints its path. The package holds:
#   /usr/bin/barion_gateway, /usr/bin/barionctl
#   /lib/systemd/system/barion-gateway.service
#   /etc/barion-gateway/gateway.textproto (a conffile: an example to edit)
#   /usr/share/barion-gateway/{prometheus/alerts.yml, grafana/barion-gateway.json}
#   /usr/share/doc/barion-gateway/ (README, docs, copyright, changelog)
# Its Depends are the Debian packages that hold the libraries the binaries link (ldd, dpkg -S).
set -euo pipefail
cd "$(dirname "$0")/.."
gateway="$1"; ctl="$2"; out="$3"
version=$(sed -n 's/^inline constexpr char kGatewayVersion\[\] = "\(.*\)";/\1/p' server/version.h)
[ -n "$version" ] || { echo "make_deb: no version in server/version.h" >&2; exit 1; }
arch=$(dpkg --print-architecture)
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
root="$stage/barion-gateway"

install -d -m 0755 "$root/DEBIAN" "$root/usr/bin" "$root/lib/systemd/system" \
  "$root/etc/barion-gateway" "$root/usr/share/barion-gateway/prometheus" \
  "$root/usr/share/barion-gateway/grafana" "$root/usr/share/doc/barion-gateway/docs"
install -m 0755 "$gateway" "$root/usr/bin/barion_gateway"
install -m 0755 "$ctl" "$root/usr/bin/barionctl"
strip --remove-section=.comment --remove-section=.note --strip-unneeded \
  "$root/usr/bin/barion_gateway" "$root/usr/bin/barionctl"
install -m 0644 deploy/systemd/barion-gateway.service "$root/lib/systemd/system/"
install -m 0644 deploy/debian/gateway.textproto "$root/etc/barion-gateway/gateway.textproto"
install -m 0644 deploy/prometheus/alerts.yml "$root/usr/share/barion-gateway/prometheus/"
install -m 0644 deploy/grafana/barion-gateway.json "$root/usr/share/barion-gateway/grafana/"
install -m 0644 README.md deploy/debian/copyright "$root/usr/share/doc/barion-gateway/"
install -m 0644 docs/*.md "$root/usr/share/doc/barion-gateway/docs/"
sed -e "s/VERSION/$version/" -e "s/DATE/$(date -R -d @"${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || date +%s)}")/" \
  deploy/debian/changelog | gzip -9n >"$root/usr/share/doc/barion-gateway/changelog.gz"
chmod 0644 "$root/usr/share/doc/barion-gateway/changelog.gz"

# Depends: the packages holding the shared libraries both binaries link.
depends=$(for binary in "$gateway" "$ctl"; do ldd "$binary"; done | awk '$3 ~ /^\// {print $3}' |
  sort -u | while read -r lib; do
    dpkg -S "$lib" 2>/dev/null || dpkg -S "$(readlink -f "$lib")" 2>/dev/null || true
  done | cut -d: -f1 | sort -u | while read -r pkg; do
    echo "$pkg (>= $(dpkg-query -W -f='${Version}' "$pkg" | sed 's/+.*//; s/-[^-]*$//'))"
  done | paste -sd, - | sed 's/,/, /g')
[ -n "$depends" ] || { echo "make_deb: no library package found for the binaries" >&2; exit 1; }
size=$(du -sk --exclude=DEBIAN "$root" | cut -f1)
cat >"$root/DEBIAN/control" <<CONTROL
Package: barion-gateway
Version: $version
Architecture: $arch
Maintainer: barion-grpc-gateway developers <gateway@barion-grpc-gateway.invalid>
Installed-Size: $size
Depends: $depends
Section: net
Priority: optional
Description: Barion payment gateway behind gRPC
 barion-grpc-gateway puts the Barion payment API behind typed gRPC services
 and turns Barion's callbacks into durable, resumable event streams. This
 package holds the gateway (barion_gateway), its command-line client
 (barionctl), a hardened systemd unit, an example configuration, the
 Prometheus alert rules and a Grafana dashboard.
CONTROL
echo "/etc/barion-gateway/gateway.textproto" >"$root/DEBIAN/conffiles"
(cd "$root" && find . -path ./DEBIAN -prune -o -type f -printf '%P\0' | sort -z |
  xargs -0 md5sum >DEBIAN/md5sums)
chmod 0644 "$root/DEBIAN/control" "$root/DEBIAN/conffiles" "$root/DEBIAN/md5sums"
mkdir -p "$out"
deb="$out/barion-gateway_${version}_${arch}.deb"
dpkg-deb --root-owner-group -Zxz --build "$root" "$deb" >/dev/null
echo "$deb"
