#!/usr/bin/env bash
# The install layout (cmake --install into a staging root) and the DEB and RPM packages CPack makes.
# Usage: packaging_test.sh BUILD_DIR
set -euo pipefail
build=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

DESTDIR="$work/root" cmake --install "$build" --prefix /usr >/dev/null
for f in usr/bin/kumo etc/kumo/kumo.json usr/lib/systemd/system/kumo.service usr/share/kumo/web/index.html; do
    [ -e "$work/root/$f" ] || { echo "install: missing /$f"; exit 1; }
done
[ -d "$work/root/var/lib/kumo" ] || { echo "install: missing /var/lib/kumo"; exit 1; }
grep -q '^kumo ' <<<"$("$work/root/usr/bin/kumo" version)"

(cd "$build" && cpack -G "DEB;RPM" -B "$work/pkg" >/dev/null)
deb=$(ls "$work"/pkg/*.deb)
rpm=$(ls "$work"/pkg/*.rpm)
# Listings are captured first: grep -q stopping early would kill the lister with SIGPIPE.
deb_files=$(dpkg-deb -c "$deb")
rpm_files=$(rpm -qlp "$rpm" 2>/dev/null)
for f in ./usr/bin/kumo ./etc/kumo/kumo.json ./usr/lib/systemd/system/kumo.service ./usr/share/kumo/web/index.html; do
    grep -q " $f\$" <<<"$deb_files" || { echo "deb: missing $f"; exit 1; }
    grep -qx "${f#.}" <<<"$rpm_files" || { echo "rpm: missing ${f#.}"; exit 1; }
done
grep -q 'libvirt-daemon-system' <<<"$(dpkg-deb -f "$deb" Depends)" || { echo "deb: libvirt dependency missing"; exit 1; }
echo "packaging: install layout, $(basename "$deb") and $(basename "$rpm") are complete"
