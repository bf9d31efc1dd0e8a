#!/usr/bin/env bash
# Makes the local libvirt usable for Kumo and its tests on a host without systemd (containers, CI):
# starts virtlogd and libvirtd if they are not running, gives QEMU access to /dev/kvm as udev would,
# and warms libvirt's QEMU capability cache (its first probe takes tens of seconds).
# Records the pids of the daemons it started in $KUMO_HOST_STATE (default /run/kumo-host-setup) so that
# `host-setup.sh stop` stops exactly those, by pid. Idempotent.
set -euo pipefail
state=${KUMO_HOST_STATE:-/run/kumo-host-setup}

stop() {
    [ -d "$state" ] || return 0
    for f in "$state"/*.pid; do
        [ -e "$f" ] || continue
        pid=$(cat "$f")
        if kill -0 "$pid" 2>/dev/null; then
            kill -TERM "$pid"
            for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        fi
        rm -f "$f"
    done
}

start_daemon() {  # name, pidfile-of-the-daemon, command...
    local name=$1 pidfile=$2
    shift 2
    if [ -s "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then
        return 0
    fi
    "$@"
    for _ in $(seq 100); do [ -s "$pidfile" ] && break; sleep 0.1; done
    [ -s "$pidfile" ] || { echo "host-setup: $name did not start" >&2; exit 1; }
    cp "$pidfile" "$state/$name.pid"
}

if [ "${1:-start}" = stop ]; then
    stop
    exit 0
fi

mkdir -p "$state" /var/log/libvirt /run/libvirt
if [ -e /dev/kvm ] && getent group kvm >/dev/null; then
    chgrp kvm /dev/kvm && chmod 0660 /dev/kvm  # what Debian's udev rule does
fi
if ! virsh -c qemu:///system version >/dev/null 2>&1; then  # e.g. no systemd to socket-activate it
    start_daemon virtlogd /run/virtlogd.pid virtlogd -d
    start_daemon libvirtd /run/libvirtd.pid libvirtd -d
fi
for _ in $(seq 100); do virsh -c qemu:///system version >/dev/null 2>&1 && break; sleep 0.2; done
virsh -c qemu:///system version >/dev/null
virsh -c qemu:///system domcapabilities --virttype qemu >/dev/null 2>&1 || true
echo "host-setup: libvirt is ready (qemu:///system)"
