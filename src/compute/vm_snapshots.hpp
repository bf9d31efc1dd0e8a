#pragma once
// VM snapshots: internal qcow2 snapshots of the VM's disks, with its memory when it runs. Core thread.
#include "kumo/host/host_registry.hpp"
#include "kumo/identity/model.hpp"
#include "kumo/image/image.hpp"
#include "kumo/image/image_store.hpp"
#include "kumo/operations/event_bus.hpp"
#include "vm_disks.hpp"

namespace kumo {

class snapshot_service {
public:
    snapshot_service(store& db, event_bus& bus, host_registry& hosts, image_store& images, vm_disks& disks,
                     host_storage& pools)
        : store_(db), bus_(bus), hosts_(hosts), images_(images), disks_(disks), pools_(pools) {}

    // `memory` defaults to whether the VM runs; a running VM's snapshot always has its memory.
    // Errors: not_found, conflict (VM busy, not placed, or in a state that cannot be snapshotted),
    // validation_failed (memory), host_unreachable.
    awaitable<result<vm_snapshot>> create(const principal& who, const std::string& vm_id, std::string name,
                                          std::optional<bool> memory);
    awaitable<result<std::vector<vm_snapshot>>> list(const principal& who, const std::string& vm_id);
    // The VM's disks (and memory, when the snapshot has it) go back; its state follows.
    awaitable<result<vm>> revert(const principal& who, const std::string& vm_id, const std::string& id);
    awaitable<result<void>> remove(const principal& who, const std::string& vm_id, const std::string& id);
    // A new private image (qcow2) of a stopped VM's root disk (Nova's createImage), filled in the
    // background; it boots as the VM did (kernel, ramdisk and command line carried over). Errors:
    // not_found, conflict (not stopped, no root disk), quota_exceeded (images), host_unreachable.
    awaitable<result<image>> create_image(const principal& who, const std::string& vm_id, std::string name);

private:
    awaitable<result<vm>> usable_vm(const principal& who, const std::string& vm_id);
    awaitable<result<vm_snapshot>> find(const std::string& vm_id, const std::string& id);

    store& store_;
    event_bus& bus_;
    host_registry& hosts_;
    image_store& images_;
    vm_disks& disks_;
    host_storage& pools_;
};

}  // namespace kumo
