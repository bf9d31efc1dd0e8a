#pragma once
// A VM's own disks on its host, in the main pool: a qcow2 overlay on the host's cached image as the root
// disk (or a full copy; blank for a VM that installs from an ISO, which is its CD-ROM), a NoCloud config
// drive (ISO 9660 "cidata": meta-data, user-data, network-config), the flavor's ephemeral disk and the
// console log; and moving them (with the VM's volumes) when the VM migrates. Names are derived from ids
// only: kumo-<vm>-root.qcow2, kumo-<vm>-config.iso, kumo-<vm>-ephemeral.qcow2, kumo-<vm>-console.log.
// Core thread.
#include "kumo/core/config.hpp"
#include "kumo/host/host_registry.hpp"
#include "kumo/hypervisor/domain_xml.hpp"
#include "kumo/image/image.hpp"
#include "kumo/image/image_store.hpp"
#include "kumo/storage/host_storage.hpp"
#include "kumo/storage/volume.hpp"
#include "vm.hpp"

#include <boost/asio/thread_pool.hpp>

namespace kumo {

// What the domain definition needs from storage.
struct vm_disk_layout {
    std::vector<disk_spec> disks;  // root (vda), the config drive (vdb), the ephemeral disk (vdc) if any
    std::string kernel, initrd;
    std::string console_log;
    std::string cdrom;  // the cached ISO the VM boots from, if it does
};

// The NoCloud files for a VM (pure; tested on their own).
struct config_drive_files {
    std::string meta_data, user_data, network_config;
};
config_drive_files config_drive_for(const vm& v);
// A hostname from the VM's name: lowercase letters, digits and '-', at most 63; "vm-<id prefix>" if none.
std::string hostname_for(const vm& v);

// Where a VM's disks (from an image) and volumes live, as a migration sees it: nothing to move, all on
// shared pools (nothing to copy), all on hosts' local pools (copied along), or both (refused: libvirt
// copies every writable disk or none, and a shared disk copied onto itself would be destroyed).
enum class disk_locality { none, shared, local, mixed };
// Errors: conflict (a volume's type is no longer configured).
result<disk_locality> disk_locality_of(const config& cfg, const vm& v, const std::vector<volume>& volumes);

class vm_disks {
public:
    vm_disks(store& db, host_registry& hosts, image_store& images, host_storage& pools, asio::thread_pool& blocking,
             const config& cfg)
        : store_(db), hosts_(hosts), images_(images), pools_(pools), blocking_(blocking), cfg_(cfg) {}

    // Paths the VM's domain uses, without touching the host (the pool path is the same everywhere).
    vm_disk_layout layout(const vm& v) const;
    // Makes everything layout() names exist on the VM's host. Idempotent: what exists is kept.
    // Errors: host_unreachable, internal (libvirt's or genisoimage's message).
    awaitable<result<void>> prepare(const vm& v);
    // Removes the VM's own volumes (root, config drive, console log); cached images stay for reuse.
    awaitable<result<void>> release(const vm& v);
    // The end of the VM's serial console log; empty before the guest wrote anything. Errors: conflict
    // (a VM without an image has none), host_unreachable.
    awaitable<result<std::string>> console_log(const vm& v, std::size_t max_bytes);

    // The VM's raw disks, which internal (qcow2) snapshots leave out: the config drive (rebuilt from the
    // database anyway) and attached LVM volumes.
    awaitable<result<std::vector<std::string>>> raw_devices(const vm& v);
    // Every pool the VM's disks and volumes use, on host `host_id`. Errors: conflict (a pool elsewhere, a
    // volume whose type is no longer configured), host_unreachable.
    awaitable<result<void>> ensure_pools(const std::string& host_id, const vm& v, const std::vector<volume>& volumes);
    // Live migration with local pools: the target (`v.host_id`) gets what the VM uses before libvirt
    // copies the data (VIR_MIGRATE_NON_SHARED_INC copies each disk's top layer): the cached images, the
    // root disk as an overlay on the same base, the config drive (read-only: not copied, so rebuilt), an
    // ephemeral disk and blank volumes of the same sizes. Errors: as prepare's.
    awaitable<result<void>> prepare_copy_target(const vm& v, const std::vector<volume>& volumes);
    // Cold migration with local pools: the data of the VM's writable disks (root, ephemeral, volumes)
    // from its host (`v.host_id`) to `target`, after prepare_copy_target, through this machine
    // (storage download, then upload: the same channel as image copies). Errors: host_unreachable, internal.
    awaitable<result<void>> copy_disks(const vm& v, const std::string& target, const std::vector<volume>& volumes);
    // Removes the VM's own files and its volumes' files from host `v.host_id` (after a copy: the host
    // the VM no longer runs on). Errors: host_unreachable, internal.
    awaitable<result<void>> drop_copies(const vm& v, const std::vector<volume>& volumes);
    static std::string root_volume_name(const vm& v) { return "kumo-" + v.id + "-root.qcow2"; }

private:
    awaitable<result<void>> make_config_drive(const vm& v);
    awaitable<result<void>> make_root_disk(const vm& v, const image& img, std::string base);

    store& store_;
    host_registry& hosts_;
    image_store& images_;
    host_storage& pools_;
    asio::thread_pool& blocking_;
    const config& cfg_;
};

}  // namespace kumo
