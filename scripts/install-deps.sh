#!/usr/bin/env bash
# Installs, from Debian 12's archive only, whatever Kumo needs to build, test and run.
# Idempotent: packages already present are skipped, and apt is not touched at all when nothing is missing.
set -euo pipefail

build_packages=(
    build-essential cmake ninja-build ccache pkg-config clang-format
    libboost1.81-dev libvirt-dev libsqlite3-dev nlohmann-json3-dev libssl-dev libfmt-dev catch2
    libcli11-dev
)
runtime_packages=(
    libvirt-daemon-system libvirt-clients libvirt-daemon-driver-qemu qemu-system-x86 qemu-utils
    openssl curl sqlite3 libxml2-utils rpm openssh-server openssh-client iproute2 util-linux
    genisoimage cpio e2fsprogs isolinux syslinux-common
)

missing=()
for p in "${build_packages[@]}" "${runtime_packages[@]}"; do
    status=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
    [ "$status" = installed ] || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
    echo "install-deps: everything is installed"
    exit 0
fi

echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# Package scripts must not start services (sshd on every address, libvirtd): the lab and host-setup
# start exactly what they need, by pid. policy-rc.d is removed again whatever happens.
policy=/usr/sbin/policy-rc.d
made_policy=no
if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' >"$policy"
    chmod +x "$policy"
    made_policy=yes
fi
trap '[ "$made_policy" = yes ] && rm -f "$policy"' EXIT
apt-get install -y -qq --no-install-recommends "${missing[@]}"
