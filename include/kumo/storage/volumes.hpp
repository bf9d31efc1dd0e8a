#pragma once
// Data volumes (Cinder's job, on the hosts' local pools): create (blank, from an image, from a volume
// snapshot), extend, delete, attach to a VM and detach (hot-plug when the VM runs), snapshots, export as
// an image. A volume's file is made in its type's pool (volume types map to pools: see
// core/storage_pool.hpp) on the host of the VM it is first attached to (a volume from a snapshot: at once,
// on the snapshot's host) and stays there: it can later attach only to VMs on that host, unless the pool
// is shared. Core thread.
#include "kumo/core/config.hpp"
#include "kumo/host/host_registry.hpp"
#include "kumo/identity/model.hpp"
#include "kumo/image/image.hpp"
#include "kumo/image/image_store.hpp"
#include "kumo/operations/event_bus.hpp"
#include "kumo/storage/volume.hpp"
#include "vm_disks.hpp"

namespace kumo {

struct volume_create_request {
    std::string name;
    std::optional<int> size_gb;  // default: the source's size; required for a blank volume
    std::string image_id;        // start with this image's disk (qcow2, raw, ...)
    std::string snapshot_id;     // or with this volume snapshot's data
    std::string volume_type;     // default: "default" (the main pool); from a snapshot: the snapshot's volume's
};

// Where a volume's data lives: its type's pool, and its name there.
struct volume_place {
    pool_def pool;
    std::string name;
    // How a VM sees it: a qcow2 file, or a raw block device (LVM).
    disk_spec disk(const std::string& path) const {
        return {path, pool.block() ? "raw" : "qcow2", false, pool.block()};
    }
};
// Errors: conflict (the volume's type is no longer configured).
result<volume_place> place_of(const config& cfg, const volume& v);
// A new volume of `size_gb` at `place`: blank unless copy_of is set afterwards.
volume_spec blank_spec(const volume_place& place, int size_gb);
// Creates `spec` (a copy of another volume) in `pool`, then grows it to spec.capacity_bytes (file copies
// have their source's size; LVM volumes are made at full size).
result<void> copy_into(hypervisor_connection& c, const pool_def& pool, const volume_spec& spec);
// The volume types users may choose: "default" first, then the configured ones.
json volume_types_view(const config& cfg);

class volume_service {
public:
    volume_service(store& db, event_bus& bus, host_registry& hosts, image_store& images, vm_storage& disks,
                   const config& cfg)
        : store_(db), bus_(bus), hosts_(hosts), images_(images), disks_(disks), cfg_(cfg) {}

    // Errors: forbidden (not project-scoped), quota_exceeded (volumes, volume_gb), validation_failed
    // (size_gb smaller than the source, image_id not a usable disk image, snapshot_id unknown, both
    // sources, volume_type unknown), host_unreachable (the snapshot's host).
    awaitable<result<volume>> create(const principal& who, volume_create_request req);
    awaitable<result<volume>> get(const principal& who, const std::string& id);
    awaitable<result<std::vector<volume>>> list(const principal& who, std::string marker, int limit);
    // Errors: not_found, conflict (attached), host_unreachable (its host is down).
    awaitable<result<void>> remove(const principal& who, const std::string& id);
    // Grows a detached volume. Errors: not_found, conflict (attached), validation_failed (size_gb),
    // quota_exceeded.
    awaitable<result<volume>> extend(const principal& who, const std::string& id, int size_gb);
    // Errors: not_found (VM or volume), conflict (volume not available, VM busy or elsewhere, no free
    // device), host_unreachable.
    awaitable<result<volume>> attach(const principal& who, const std::string& vm_id, const std::string& volume_id);
    // Errors: not_found, conflict (not attached to this VM), host_unreachable.
    awaitable<result<volume>> detach(const principal& who, const std::string& vm_id, const std::string& volume_id);

    // Snapshots: a full copy of the volume's file on its host. A volume attached to a running VM is
    // refused (its data is changing). Errors: not_found, conflict, quota_exceeded (volume_gb counts
    // snapshots too, as Cinder's gigabytes do), host_unreachable.
    awaitable<result<volume_snapshot>> create_snapshot(const principal& who, const std::string& volume_id,
                                                       std::string name);
    awaitable<result<std::vector<volume_snapshot>>> snapshots(const principal& who, const std::string& volume_id);
    awaitable<result<volume_snapshot>> snapshot(const principal& who, const std::string& volume_id,
                                                const std::string& id);
    awaitable<result<void>> remove_snapshot(const principal& who, const std::string& volume_id, const std::string& id);
    // A new private image (qcow2) of the volume's data, filled in the background. Errors: not_found,
    // conflict (attached to a running VM, no data yet), quota_exceeded (images), host_unreachable.
    awaitable<result<image>> export_image(const principal& who, const std::string& volume_id, std::string name);

private:
    awaitable<void> save(volume v, const char* action);
    // The volume's file on `host`, made from its source (blank, image) when it has none yet. Returns its path.
    awaitable<result<std::string>> materialize(volume v, std::string host_id);
    awaitable<result<volume_snapshot>> find_snapshot(const principal& who, const std::string& id);
    // Refuses volumes attached to a running VM. Errors: conflict.
    awaitable<result<void>> check_quiet(const volume& v, const char* what);

    store& store_;
    event_bus& bus_;
    host_registry& hosts_;
    image_store& images_;
    vm_storage& disks_;
    const config& cfg_;
};

json volume_view(const volume& v);
json volume_snapshot_view(const volume_snapshot& s);
// Names in the volume's pool: files (qcow2) or, in LVM pools, logical volumes (raw).
std::string volume_file(const volume& v, const pool_def& pool);
std::string volume_snapshot_file(const volume_snapshot& s, const pool_def& pool);

}  // namespace kumo
