#pragma once
// Where a volume's data lives, pure: its type's pool (volume types map to pools, see
// kumo/core/storage_pool.hpp) and its name there, a qcow2 file or, in an LVM pool, a raw logical volume.
#include "kumo/core/config.hpp"
#include "kumo/core/json.hpp"
#include "kumo/hypervisor/hypervisor.hpp"
#include "kumo/storage/volume.hpp"

namespace kumo {

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
// have their source's size; LVM volumes are made at full size). Blocking: a host connection's call.
result<void> copy_into(hypervisor_connection& c, const pool_def& pool, const volume_spec& spec);
// Names in the volume's pool: files (qcow2) or, in LVM pools, logical volumes (raw).
std::string volume_file(const volume& v, const pool_def& pool);
std::string volume_snapshot_file(const volume_snapshot& s, const pool_def& pool);

// The volume types users may choose: "default" first, then the configured ones.
json volume_types_view(const config& cfg);
json volume_view(const volume& v);
json volume_snapshot_view(const volume_snapshot& s);

}  // namespace kumo
