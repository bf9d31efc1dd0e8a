#!/usr/bin/env bash
# The three-node lab (examples/lab/lab.sh): up -> each host answers libvirt over SSH with its own
# hostname and host UUID, its host key pinned -> a wrong pinned key is refused -> domains stay on their
# host -> a stopped libvirtd comes back, a link can be throttled -> down (twice) leaves no namespace,
# link, process or file behind.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
lab="$root/examples/lab/lab.sh"
export KUMO_LAB_DIR=${TMPDIR:-/tmp}/kumo-lab-test
L=$KUMO_LAB_DIR

# Output is captured before grep: with pipefail, `grep -q` closing the pipe early fails the producer.
if grep -q '^kumolab-' <<<"$(ip netns list)"; then
    echo "lab_test: a lab is already up on this machine (ip netns list); run lab.sh down first" >&2
    exit 1
fi
trap 'bash "$lab" down >/dev/null 2>&1 || true' EXIT

fail() {
    echo "lab_test: FAIL: $*" >&2
    exit 1
}

uri() {  # host N, known_hosts file
    echo "qemu+libssh://root@198.18.0.1$1/system?keyfile=$L/id_ed25519&known_hosts=$2&sshauth=privkey"
}

bash "$lab" up
anchors=()
uuids=()
for n in 1 2 3; do
    anchors+=("$(cat "$L/h$n/anchor.pid")")
    name=$(timeout 30 virsh -c "$(uri "$n" "$L/known_hosts")" hostname)
    [ "$name" = "kumolab-h$n" ] || fail "host $n answered as '$name'"
    caps=$(timeout 30 virsh -c "$(uri "$n" "$L/known_hosts")" capabilities)
    uuids+=("$(grep -m1 '<uuid>' <<<"$caps")")
    addresses=$(ip -n "kumolab-h$n" -brief addr)
    for i in 0 1 2; do
        grep -q "198.18.$i.1$n/24" <<<"$addresses" || fail "host $n has no address on network $i"
    done
done
[ "$(printf '%s\n' "${uuids[@]}" | sort -u | wc -l)" = 3 ] || fail "host UUIDs are not distinct: ${uuids[*]}"
[ "$(bash "$lab" status | grep -c running)" = 3 ] || fail "status does not show 3 running hosts"

# Host 2's key pinned for host 1: the connection must be refused, not silently accepted.
sed -n 2p "$L/known_hosts" | sed 's/^198\.18\.0\.12/198.18.0.11/' >"$L/wrong_known_hosts"
if timeout 30 virsh -c "$(uri 1 "$L/wrong_known_hosts")" hostname >/dev/null 2>&1; then
    fail "a host whose key does not match the pinned one was accepted"
fi

# Each host keeps its own domain definitions (/etc/libvirt), invisible to the others and to the machine.
cat >"$L/probe.xml" <<XML
<domain type='qemu'><name>kumolab-probe</name><memory unit='MiB'>16</memory>
<os><type arch='x86_64'>hvm</type></os></domain>
XML
timeout 30 virsh -c "$(uri 1 "$L/known_hosts")" define "$L/probe.xml" >/dev/null
[ "$(timeout 30 virsh -c "$(uri 1 "$L/known_hosts")" list --all --name | grep -c kumolab-probe)" = 1 ] ||
    fail "the probe domain is not defined on host 1"
[ "$(timeout 30 virsh -c "$(uri 2 "$L/known_hosts")" list --all --name | grep -c kumolab-probe)" = 0 ] ||
    fail "host 2 sees host 1's domain"
[ ! -e /etc/libvirt/qemu/kumolab-probe.xml ] || fail "host 1's domain landed in the machine's /etc/libvirt"
# A running guest: its QEMU lives in a mount namespace of its own, and down must still end it.
timeout 60 virsh -c "$(uri 1 "$L/known_hosts")" start kumolab-probe >/dev/null
guests=$(ip netns pids kumolab-h1)

# A daemon that dies and comes back; a throttled link.
bash "$lab" stop h2 libvirtd
if timeout 30 virsh -c "$(uri 2 "$L/known_hosts")" hostname >/dev/null 2>&1; then
    fail "host 2 answered without its libvirtd"
fi
bash "$lab" start h2 libvirtd
timeout 30 virsh -c "$(uri 2 "$L/known_hosts")" hostname >/dev/null || fail "host 2's libvirtd did not come back"
bash "$lab" throttle h3 stor 512
qdiscs=$(tc qdisc show dev kl3-stor)
grep -q tbf <<<"$qdiscs" || fail "no throttle on host 3's storage link"
bash "$lab" unthrottle h3 stor
qdiscs=$(tc qdisc show dev kl3-stor)
! grep -q tbf <<<"$qdiscs" || fail "host 3's storage link is still throttled"

bash "$lab" down
bash "$lab" down  # safe twice
! grep -q '^kumolab-' <<<"$(ip netns list)" || fail "namespaces left: $(ip netns list)"
! grep -Eq '^(kumolab-|kl[0-9]-)' <<<"$(ip -brief link)" || fail "links left"
[ ! -e "$L" ] || fail "$L left"
running() {  # a zombie waiting for init to reap it has ended
    [ -e "/proc/$1" ] && [ "$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null)" != Z ]
}
for p in "${anchors[@]}" $guests; do
    ! running "$p" || fail "process $p left"
done
echo "lab_test: ok"
