#!/usr/bin/env bash
# Builds the tiny Linux test guest from Debian packages (no downloads from anywhere else):
#   OUT/vmlinuz       the Debian cloud kernel               (upload as an "aki" image)
#   OUT/initrd.gz     busybox + virtio/iso9660 modules + init (upload as an "ari" image)
#   OUT/root.qcow2    an ext4 root disk holding a marker file (upload as a qcow2 image)
# The init loads the modules, prints the block devices it sees, mounts the NoCloud drive (label cidata)
# and prints its hostname, instance id, key count and user-data, reads the marker from the root disk,
# prints "KUMO-GUEST: ready", then idles. Everything goes to the serial console (ttyS0).
# While idling it prints the block devices again whenever they change (hot-plugged volumes), and
# "tick N" every two seconds (a counter in memory, to tell a snapshot revert happened).
# Usage: build-test-guest.sh OUT. Cached: does nothing when OUT holds what this version of the script made.
set -euo pipefail
out=$1
stamp=$(sha256sum "$0" | cut -c1-16)
[ -s "$out/vmlinuz" ] && [ -s "$out/initrd.gz" ] && [ -s "$out/root.qcow2" ] &&
    [ "$(cat "$out/stamp" 2>/dev/null)" = "$stamp" ] && exit 0
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$out"
cd "$work"
apt-cache show linux-image-cloud-amd64 >/dev/null 2>&1 || apt-get update -qq
kernel_pkg=$(apt-cache depends linux-image-cloud-amd64 | sed -n 's/.*Depends: \(linux-image-[0-9].*\)/\1/p' | head -1)
[ -n "$kernel_pkg" ] || { echo "build-test-guest: no linux-image-cloud-amd64 in the apt cache (apt-get update?)" >&2; exit 1; }
apt-get download -q "$kernel_pkg" busybox-static >/dev/null 2>&1
dpkg -x linux-image-*.deb kernel
dpkg -x busybox-static_*.deb busybox
version=$(ls kernel/lib/modules)
mods=kernel/lib/modules/$version/kernel

mkdir -p initrd/bin initrd/lib/modules initrd/proc initrd/sys initrd/dev initrd/cidata initrd/root
cp busybox/bin/busybox initrd/bin/busybox
# Dependencies first: there is no modprobe in the guest.
for m in drivers/virtio/virtio_ring drivers/virtio/virtio drivers/virtio/virtio_pci_modern_dev \
         drivers/virtio/virtio_pci_legacy_dev drivers/virtio/virtio_pci drivers/block/virtio_blk \
         drivers/cdrom/cdrom fs/isofs/isofs; do
    cp "$mods/$m.ko" initrd/lib/modules/
done
cat >initrd/init <<'INIT'
#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
for m in virtio_ring virtio virtio_pci_modern_dev virtio_pci_legacy_dev virtio_pci virtio_blk cdrom isofs; do
    insmod /lib/modules/$m.ko
done
sleep 1
say() { echo "KUMO-GUEST: $*" >/dev/ttyS0; }
say "block devices: $(ls /sys/block | grep '^vd' | tr '\n' ' ')"
for dev in /sys/block/vd*; do
    if mount -t iso9660 -o ro /dev/${dev##*/} /cidata 2>/dev/null; then
        if [ -f /cidata/meta-data ]; then
            say "cidata on ${dev##*/}"
            say "hostname=$(sed -n 's/^local-hostname: //p' /cidata/meta-data)"
            say "instance-id=$(sed -n 's/^instance-id: //p' /cidata/meta-data)"
            say "keys=$(grep -c '^  - ' /cidata/meta-data)"
            say "user-data=$(head -c 200 /cidata/user-data | tr '\n' '|')"
            break
        fi
        umount /cidata
    fi
done
if mount -t ext4 -o ro /dev/vda /root 2>/dev/null; then
    say "root marker=$(cat /root/kumo-root-marker)"
fi
say ready
seen=$(ls /sys/block | grep '^vd' | tr '\n' ' ')
tick=0
while true; do
    sleep 1
    tick=$((tick + 1))
    # A counter that lives in memory: after a revert to a snapshot with memory it counts from there again.
    [ $((tick % 2)) -eq 0 ] && say "tick $tick"
    now=$(ls /sys/block | grep '^vd' | tr '\n' ' ')
    if [ "$now" != "$seen" ]; then
        say "block devices now: $now"
        seen=$now
    fi
done
INIT
chmod +x initrd/init
(cd initrd && find . | cpio -o -H newc --quiet | gzip -9) >"$out/initrd.gz"
cp kernel/boot/vmlinuz-* "$out/vmlinuz"

mkdir -p rootfs
echo "kumo-test-root-disk" >rootfs/kumo-root-marker
mke2fs -q -t ext4 -d rootfs root.raw 16M
qemu-img convert -f raw -O qcow2 root.raw "$out/root.qcow2"
echo "$stamp" >"$out/stamp"
echo "build-test-guest: $out ($version)"
