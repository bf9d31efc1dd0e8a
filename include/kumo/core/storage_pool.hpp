#pragma once
// Where disks live on a host: libvirt storage pools Kumo defines with the same name and location on every
// host. The main pool (storage_pool) holds images, VMs' own disks and default volumes; volume types
// (Cinder's) map to further pools: a directory, a directory shared by every host (NFS, CephFS, ...), or
// an LVM volume group (libvirt's `logical` pools: one raw logical volume per Kumo volume).
#include "kumo/core/error.hpp"

#include <string>
#include <vector>

namespace kumo {

struct pool_def {
    std::string name;          // libvirt's pool name, the same on every host
    std::string kind = "dir";  // dir | logical
    std::string path;          // dir: the directory; logical: /dev/<volume_group>
    std::string volume_group;  // logical: an existing LVM volume group (the admin's, as Cinder's)
    bool shared = false;       // dir: the same file system on every host
    bool block() const { return kind == "logical"; }
};

struct volume_type {
    std::string name;
    std::string description;
    pool_def pool;
};

// The volume type every volume has unless it names another: the main pool.
inline constexpr const char* default_volume_type = "default";

// Parses the `volume_types` setting: a JSON object of name -> {"kind": "dir" | "shared" | "logical",
// "pool": libvirt pool name, "path": directory (dir, shared), "volume_group": (logical),
// "description"}. `main_pool` may not be reused and "default" may not be redefined.
// Errors: validation_failed naming `field` and the entry ("volume_types.fast.path").
result<std::vector<volume_type>> parse_volume_types(const std::string& json_text, const std::string& main_pool,
                                                    const std::string& field);

}  // namespace kumo
