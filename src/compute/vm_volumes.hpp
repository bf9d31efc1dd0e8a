#pragma once
// Volumes attached to VMs: the compute side of attaching (Nova's volume attach): the volume reserved for
// the VM with a device name in one transaction, its file made on the VM's host, and hot-plugged when
// the VM runs; detaching hot-unplugs it. Core thread.
#include "kumo/host/host_registry.hpp"
#include "kumo/identity/model.hpp"
#include "kumo/storage/volumes.hpp"
#include "vm.hpp"

namespace kumo {

// The first virtio name after the root disk, the config drive and the ephemeral disk (if the VM has
// one) that no attached volume uses (pure).
std::optional<std::string> free_device(const vm& target, const std::vector<volume>& attached);

class vm_volumes {
public:
    vm_volumes(store& db, event_bus& bus, host_registry& hosts, volume_service& volumes, const config& cfg)
        : store_(db), bus_(bus), hosts_(hosts), volumes_(volumes), cfg_(cfg) {}

    // Errors: not_found (VM or volume), conflict (volume not available, VM busy or elsewhere, no free
    // device), host_unreachable.
    awaitable<result<volume>> attach(const principal& who, const std::string& vm_id, const std::string& volume_id);
    // Errors: not_found, conflict (not attached to this VM), host_unreachable.
    awaitable<result<volume>> detach(const principal& who, const std::string& vm_id, const std::string& volume_id);

private:
    store& store_;
    event_bus& bus_;
    host_registry& hosts_;
    volume_service& volumes_;
    const config& cfg_;
};

}  // namespace kumo
