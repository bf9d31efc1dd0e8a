#!/usr/bin/env bash
# A three-node Kumo lab on one machine: three "hosts", each a network namespace with its own mount and
# UTS namespace, its own /run, /etc/libvirt, /var/lib/libvirt and /var/log/libvirt, hostname, virtlogd, libvirtd
# (distinct host_uuid) and sshd. Each host has three links, each on its own bridge in the root
# namespace: management (198.18.0.0/24), storage (198.18.1.0/24) and tenant (198.18.2.0/24), so a
# test can cut one network of one host. Addresses come from 198.18.0.0/15 (benchmarking range) and
# never leave the machine (no forwarding, no NAT, no default route in the hosts).
#
#   lab.sh up       build it (KUMO_LAB_DIR, default /var/tmp/kumo-lab); prints the hosts' URIs
#   lab.sh down     remove everything it made: processes (by pid), namespaces, links, files; safe twice
#   lab.sh status   what is running
#   lab.sh authorize FILE        let the key in FILE (e.g. Kumo's, GET /api/v1/hosts/ssh-key) log in to every host
#   lab.sh stop hN libvirtd|sshd  kill that daemon of host N (sshd: its sessions too), as a crash would
#   lab.sh start hN libvirtd|sshd start it again
#   lab.sh rekey hN              give host N a new SSH host key (restarts its sshd)
#   lab.sh throttle hN NET KBIT  limit what host N receives on NET (mgmt, stor, ten) to KBIT kbit/s
#   lab.sh unthrottle hN NET     lift the limit
#
# The daemon's SSH key is $KUMO_LAB_DIR/id_ed25519; the hosts' keys are pinned in
# $KUMO_LAB_DIR/known_hosts. $KUMO_LAB_DIR/shared is the same directory on every host (shared storage);
# /var/lib/kumo-lab-pool is each host's own directory ($KUMO_LAB_DIR/hN/pool, local storage at one path
# on every host, as Kumo's storage_pool_path expects). The empty mount point stays after `down`.
LOCAL_POOL=/var/lib/kumo-lab-pool
set -euo pipefail

LAB=${KUMO_LAB_DIR:-/var/tmp/kumo-lab}
PREFIX=kumolab
NETS=(mgmt stor ten)  # index = third octet of the network

host_addr() { echo "198.18.$2.1$1"; }  # host N, network index I
ns_of() { echo "$PREFIX-h$1"; }

alive() { [ -n "${1:-}" ] && kill -0 "$1" 2>/dev/null; }

# Every process of host N: those in its mount namespace (its daemons and their children) and those
# in its network namespace (the VMs' QEMUs, which libvirt starts in mount namespaces of their own).
processes_of_host() {
    local anchor mnt p
    {
        ip netns pids "$(ns_of "$1")" 2>/dev/null || true
        anchor=$(cat "$LAB/h$1/anchor.pid" 2>/dev/null || true)
        if alive "$anchor" && mnt=$(readlink "/proc/$anchor/ns/mnt"); then
            for p in /proc/[0-9]*; do
                [ "$(readlink "$p/ns/mnt" 2>/dev/null)" = "$mnt" ] && echo "${p#/proc/}"
            done
        fi
        true  # the last test above may be false; under pipefail that would fail the pipeline
    } | sort -u
}

write_host_files() {
    local n=$1 d=$LAB/h$1
    mkdir -p "$d/lib" "$d/log" "$d/pool"
    # libvirt keeps persistent domains (and networks, pools) under /etc/libvirt: each host gets its own
    # copy of the configuration without any of the machine's definitions, or every host (and the
    # machine's own libvirtd) would share one set of domains.
    cp -a /etc/libvirt "$d/etc-libvirt"
    find "$d/etc-libvirt" \( -path '*/qemu/*.xml' -o -path '*/networks/*' -o -path '*/storage/*' \) \
        \( -name '*.xml' -o -type l \) -delete
    ssh-keygen -q -t ed25519 -N '' -C "kumolab-h$n" -f "$d/ssh_host_ed25519_key"
    cat >"$d/sshd_config" <<CONF
ListenAddress $(host_addr "$n" 0)
HostKey $d/ssh_host_ed25519_key
PidFile /run/sshd.pid
AuthorizedKeysFile $LAB/authorized_keys
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
CONF
    # libvirt refuses to migrate between hosts that share a host UUID or a hostname.
    cat >"$d/libvirtd.conf" <<CONF
host_uuid = "$(cat /proc/sys/kernel/random/uuid)"
CONF
    cat >"$d/boot.sh" <<BOOT
set -e
mount -t tmpfs tmpfs /run
mkdir -p /run/libvirt /run/sshd /run/lock
mount --bind "$d/lib" /var/lib/libvirt
mount --bind "$d/log" /var/log/libvirt
mount --bind "$d/etc-libvirt" /etc/libvirt
mount --bind "$d/pool" "$LOCAL_POOL"
hostname "$PREFIX-h$n"
virtlogd -d
libvirtd -d -f "$d/libvirtd.conf"
/usr/sbin/sshd -f "$d/sshd_config"
touch "$d/ready"
exec sleep infinity
BOOT
    echo "$(host_addr "$n" 0) $(cut -d' ' -f1,2 "$d/ssh_host_ed25519_key.pub")" >>"$LAB/known_hosts"
}

start_host() {
    local n=$1 ns i net
    ns=$(ns_of "$n")
    ip netns add "$ns"
    ip -n "$ns" link set lo up
    for i in "${!NETS[@]}"; do
        net=${NETS[$i]}
        ip link add "kl$n-$net" type veth peer name "eth-$net" netns "$ns"
        ip link set "kl$n-$net" master "$PREFIX-$net" up
        ip -n "$ns" addr add "$(host_addr "$n" "$i")/24" dev "eth-$net"
        ip -n "$ns" link set "eth-$net" up
    done
    write_host_files "$n"
    # The anchor (finally `sleep infinity`) holds the host's mount and UTS namespaces.
    ip netns exec "$ns" unshare -m -u --propagation private bash "$LAB/h$n/boot.sh" \
        >"$LAB/h$n/boot.log" 2>&1 </dev/null &
    echo $! >"$LAB/h$n/anchor.pid"
    for _ in $(seq 1 100); do
        [ -e "$LAB/h$n/ready" ] && return 0
        alive "$(cat "$LAB/h$n/anchor.pid")" || break
        sleep 0.1
    done
    echo "lab: host $n did not start; see $LAB/h$n/boot.log" >&2
    return 1
}

up() {
    if [ -e "$LAB/up" ]; then
        echo "lab: already up ($LAB)"
        status
        return 0
    fi
    trap 'echo "lab: up failed; removing what it made" >&2; down' ERR
    mkdir -p "$LAB/shared" "$LOCAL_POOL"
    chmod 700 "$LAB"
    ssh-keygen -q -t ed25519 -N '' -C kumo-lab-daemon -f "$LAB/id_ed25519"
    cp "$LAB/id_ed25519.pub" "$LAB/authorized_keys"
    : >"$LAB/known_hosts"
    local i n
    for i in "${!NETS[@]}"; do
        ip link add "$PREFIX-${NETS[$i]}" type bridge
        ip addr add "198.18.$i.1/24" dev "$PREFIX-${NETS[$i]}"
        ip link set "$PREFIX-${NETS[$i]}" up
    done
    for n in 1 2 3; do
        start_host "$n"
    done
    touch "$LAB/up"
    trap - ERR
    echo "lab: up. Hosts (add them to Kumo; its key: $LAB/id_ed25519.pub):"
    for n in 1 2 3; do
        echo "  $PREFIX-h$n  qemu+ssh://root@$(host_addr "$n" 0)/system"
    done
}

stop_host() {
    local n=$1 pids p
    for _ in $(seq 1 50); do
        pids=$(processes_of_host "$n")
        [ -z "$pids" ] && break
        for p in $pids; do kill "$p" 2>/dev/null || true; done
        sleep 0.1
    done
    for p in $(processes_of_host "$n"); do kill -9 "$p" 2>/dev/null || true; done
    ip netns del "$(ns_of "$n")" 2>/dev/null || true
    local net
    for net in "${NETS[@]}"; do
        ip link del "kl$n-$net" 2>/dev/null || true
    done
}

down() {
    local n net
    for n in 1 2 3; do
        stop_host "$n"
    done
    for net in "${NETS[@]}"; do
        ip link del "$PREFIX-$net" 2>/dev/null || true
    done
    rm -rf "$LAB"
    echo "lab: down"
}

status() {
    local n anchor state
    [ -e "$LAB/up" ] || { echo "lab: down"; return 0; }
    for n in 1 2 3; do
        anchor=$(cat "$LAB/h$n/anchor.pid" 2>/dev/null || true)
        state=stopped
        alive "$anchor" && state="running ($(processes_of_host "$n" | wc -l) processes)"
        echo "$PREFIX-h$n  $(host_addr "$n" 0)  $state"
    done
}

anchor_of() {
    local n=${1#h} anchor
    case "$n" in 1 | 2 | 3) ;; *) echo "lab: no host $1 (h1, h2 or h3)" >&2; exit 2 ;; esac
    anchor=$(cat "$LAB/h$n/anchor.pid" 2>/dev/null || true)
    alive "$anchor" || { echo "lab: host h$n is not running" >&2; exit 1; }
    echo "$anchor"
}

# Pids of host N's processes whose command name is $2.
processes_named() {
    local p
    for p in $(processes_of_host "$1"); do
        [ "$(cat "/proc/$p/comm" 2>/dev/null)" = "$2" ] && echo "$p"
    done
    return 0
}

stop_daemon() {
    local n=${1#h} p
    anchor_of "$1" >/dev/null
    case "$2" in libvirtd | sshd) ;; *) echo "lab: stop libvirtd or sshd" >&2; exit 2 ;; esac
    for p in $(processes_named "$n" "$2"); do kill -9 "$p" 2>/dev/null || true; done
    for _ in $(seq 1 50); do
        [ -z "$(processes_named "$n" "$2")" ] && return 0
        sleep 0.1
    done
}

start_daemon() {
    local n=${1#h} anchor
    anchor=$(anchor_of "$1")
    case "$2" in
        libvirtd) nsenter -t "$anchor" -m -u -n -- libvirtd -d -f "$LAB/h$n/libvirtd.conf" ;;
        sshd) nsenter -t "$anchor" -m -u -n -- /usr/sbin/sshd -f "$LAB/h$n/sshd_config" ;;
        *) echo "lab: start libvirtd or sshd" >&2; exit 2 ;;
    esac
}

rekey() {
    local n=${1#h} d
    anchor_of "$1" >/dev/null
    d=$LAB/h$n
    rm -f "$d/ssh_host_ed25519_key" "$d/ssh_host_ed25519_key.pub"
    ssh-keygen -q -t ed25519 -N '' -C "kumolab-h$n" -f "$d/ssh_host_ed25519_key"
    grep -v "^$(host_addr "$n" 0) " "$LAB/known_hosts" >"$LAB/known_hosts.new" || true
    echo "$(host_addr "$n" 0) $(cut -d' ' -f1,2 "$d/ssh_host_ed25519_key.pub")" >>"$LAB/known_hosts.new"
    mv "$LAB/known_hosts.new" "$LAB/known_hosts"
    stop_daemon "$1" sshd
    start_daemon "$1" sshd
}

# The root namespace's end of host N's link on a network: what leaves it enters the host.
link_of() {
    local n=${1#h} net
    anchor_of "$1" >/dev/null
    for net in "${NETS[@]}"; do
        [ "$net" = "$2" ] && { echo "kl$n-$net"; return 0; }
    done
    echo "lab: no network $2 (${NETS[*]})" >&2
    exit 2
}

throttle() {
    local link
    link=$(link_of "$1" "$2")
    case "${3:-}" in '' | *[!0-9]*) echo "lab: throttle hN NET KBIT" >&2; exit 2 ;; esac
    tc qdisc replace dev "$link" root tbf rate "${3}kbit" burst 16kbit latency 10s
}

case "${1:-}" in
    up) up ;;
    down) down ;;
    status) status ;;
    authorize)
        [ -f "${2:-}" ] || { echo "usage: $0 authorize PUBLIC_KEY_FILE" >&2; exit 2; }
        cat "$2" >>"$LAB/authorized_keys"
        ;;
    stop) stop_daemon "${2:-}" "${3:-}" ;;
    start) start_daemon "${2:-}" "${3:-}" ;;
    rekey) rekey "${2:-}" ;;
    throttle) throttle "${2:-}" "${3:-}" "${4:-}" ;;
    unthrottle) tc qdisc del dev "$(link_of "${2:-}" "${3:-}")" root 2>/dev/null || true ;;
    *)
        echo "usage: $0 up|down|status|authorize FILE|stop hN DAEMON|start hN DAEMON|rekey hN|throttle hN NET KBIT|unthrottle hN NET" >&2
        exit 2
        ;;
esac
