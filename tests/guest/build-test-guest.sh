#!/usr/bin/env bash
# Builds the tiny Linux test guest from Debian packages (no downloads from anywhere else):
#   OUT/vmlinuz       the Debian cloud kernel               (upload as an "aki" image)
#   OUT/initrd.gz     busybox + virtio/iso9660 modules + init (upload as an "ari" image)
#   OUT/root.qcow2    an ext4 root disk holding a marker file (upload as a qcow2 image)
#   OUT/installer.iso the same kernel and initrd on a BIOS-bootable ISO (isolinux), like an installer CD;
#                     its command line adds kumo_boot=iso
# The init loads the modules, prints the block devices it sees, mounts the NoCloud drive (label cidata)
# and prints its hostname, instance id, key count and user-data, reads the marker from the root disk,
# prints "KUMO-GUEST: ready", then idles. Everything goes to the serial console (ttyS0).
# It also prints the CD-ROM drives it sees and how it was booted (kumo_boot= on the command line).
# While idling it prints the block devices again whenever they change (hot-plugged volumes), the marker
# of any new disk holding one (volumes made from the root image), and "tick N" every two seconds (a
# counter in memory, to tell a snapshot revert happened).
# Usage: build-test-guest.sh OUT. Cached: does nothing when OUT holds what this version of the script made.
set -euo pipefail
out=$1
stamp=$(sha256sum "$0" | cut -c1-16)
[ -s "$out/vmlinuz" ] && [ -s "$out/initrd.gz" ] && [ -s "$out/root.qcow2" ] && [ -s "$out/installer.iso" ] &&
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

mkdir -p initrd/bin initrd/lib/modules initrd/proc initrd/sys initrd/dev initrd/cidata initrd/root initrd/mnt
cp busybox/bin/busybox initrd/bin/busybox
# Dependencies first: there is no modprobe in the guest.
for m in drivers/virtio/virtio_ring drivers/virtio/virtio drivers/virtio/virtio_pci_modern_dev \
         drivers/virtio/virtio_pci_legacy_dev drivers/virtio/virtio_pci drivers/block/virtio_blk \
         drivers/cdrom/cdrom fs/isofs/isofs drivers/scsi/scsi_common drivers/scsi/scsi_mod drivers/ata/libata \
         drivers/ata/ata_piix drivers/scsi/sr_mod; do
    cp "$mods/$m.ko" initrd/lib/modules/
done
cat >initrd/init <<'INIT'
#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
for m in virtio_ring virtio virtio_pci_modern_dev virtio_pci_legacy_dev virtio_pci virtio_blk cdrom isofs \
         scsi_common scsi_mod libata ata_piix sr_mod; do
    insmod /lib/modules/$m.ko
done
sleep 1
say() { echo "KUMO-GUEST: $*" >/dev/ttyS0; }
say "block devices: $(ls /sys/block | grep '^vd' | tr '\n' ' ')"
say "cdrom devices: $(ls /sys/block | grep '^sr' | tr '\n' ' ')"
boot=$(sed -n 's/.*kumo_boot=\([a-z]*\).*/\1/p' /proc/cmdline)
[ -n "$boot" ] && say "booted from $boot"
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
        for dev in $now; do
            case " $seen " in *" $dev "*) continue ;; esac
            if mount -t ext4 -o ro /dev/$dev /mnt 2>/dev/null; then
                say "marker on $dev=$(cat /mnt/kumo-root-marker 2>/dev/null)"
                umount /mnt
            fi
        done
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

mkdir -p iso/isolinux
cp /usr/lib/ISOLINUX/isolinux.bin /usr/lib/syslinux/modules/bios/ldlinux.c32 iso/isolinux/
cp "$out/vmlinuz" iso/vmlinuz
cp "$out/initrd.gz" iso/initrd.gz
printf 'DEFAULT kumo\nPROMPT 0\nTIMEOUT 0\nLABEL kumo\n  KERNEL /vmlinuz\n  APPEND initrd=/initrd.gz console=ttyS0 panic=-1 kumo_boot=iso\n' \
    >iso/isolinux/isolinux.cfg
genisoimage -quiet -output "$out/installer.iso" -volid KUMO-INSTALLER -b isolinux/isolinux.bin \
    -c isolinux/boot.cat -no-emul-boot -boot-load-size 4 -boot-info-table -joliet -rock iso
echo "$stamp" >"$out/stamp"
echo "build-test-guest: $out ($version)"
