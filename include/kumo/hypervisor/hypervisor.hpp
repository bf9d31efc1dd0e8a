#pragma once
// The hypervisor port: one connection per host. Every call blocks, so callers run them off the core
// thread, serialized per host (the host module's registry keeps one strand per host on the libvirt pool).
#include "kumo/core/error.hpp"
#include "kumo/hypervisor/domain_xml.hpp"
#include "kumo/hypervisor/vocabulary.hpp"

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace kumo {

struct domain_status {
    std::string uuid;
    std::string name;
    power_state power = power_state::unknown;
};

struct migration_request {
    std::string target_address;        // where QEMU sends memory, e.g. tcp://198.18.1.12 (the target's address)
    std::string target_xml;            // the definition the target keeps; empty: the running one
    std::int64_t max_downtime_ms = 0;  // 0: libvirt's default
    std::int64_t bandwidth_mib_s = 0;  // 0: unlimited
    bool copy_storage = false;         // local disks: copy them along (shared storage: no copy)
    // The disks are on storage the admin declared shared by every host: migrate without copying them
    // even where libvirt cannot tell (it recognizes NFS and cluster file systems, not every setup).
    bool shared_storage = false;
};

struct migration_progress {
    bool active = false;
    std::uint64_t data_total = 0, data_processed = 0, data_remaining = 0;  // bytes
};

// A volume to create in a pool: blank, a qcow2 overlay on a backing file, or a full copy of another
// volume (converted to the new volume's format: a qcow2 file copied into an LVM volume becomes raw).
struct volume_spec {
    std::string name;
    std::string format = "qcow2";  // qcow2 | raw (logical pools: always raw block devices)
    std::int64_t capacity_bytes = 0;
    std::string backing_path;    // overlay: the file it reads through to (Kumo's cached image)
    std::string backing_format;  // of the backing file: qcow2 | raw
    std::string copy_of;         // full copy: the name of the source volume
    std::string copy_of_pool;    // its pool, when not the new volume's
};

// Invoked on the adapter's event thread: implementations only post work elsewhere.
struct connection_callbacks {
    std::function<void(const std::string& uuid)> on_domain_event;  // lifecycle changed; re-read state
    std::function<void(const std::string& reason)> on_closed;      // connection lost
};

class hypervisor_connection {
public:
    virtual ~hypervisor_connection() = default;
    virtual result<host_inventory> inventory() = 0;
    virtual result<void> define(const std::string& xml) = 0;
    virtual result<void> start(const std::string& uuid) = 0;
    virtual result<void> shutdown(const std::string& uuid) = 0;  // ACPI request, returns at once
    virtual result<void> destroy(const std::string& uuid) = 0;   // hard power off
    virtual result<void> reboot(const std::string& uuid, bool hard) = 0;
    virtual result<void> suspend(const std::string& uuid) = 0;
    virtual result<void> resume(const std::string& uuid) = 0;
    virtual result<void> undefine(const std::string& uuid) = 0;  // not_found when absent
    // power_state::missing when the domain does not exist.
    virtual result<power_state> state(const std::string& uuid) = 0;
    virtual result<std::vector<domain_status>> list_domains() = 0;
    virtual bool alive() = 0;

    // Live-migrates a running domain to the host behind `target` (a connection of the same driver),
    // which keeps it defined; the source forgets it. Blocks until the
    // move ends; migration_progress() and abort_migration() may be called meanwhile from another
    // thread. On failure the domain stays where it was. Errors: conflict (aborted), host_unreachable,
    // internal with libvirt's message.
    virtual result<void> migrate(const std::string& uuid, hypervisor_connection& target,
                                 const migration_request& request) = 0;
    virtual result<migration_progress> migration_job(const std::string& uuid) = 0;
    // Errors: conflict when no migration runs.
    virtual result<void> abort_migration(const std::string& uuid) = 0;
    // The most capable CPU every one of `host_cpu_xmls` (inventory.cpu_xml) can provide to a guest of
    // `virt_type`, migratable features only, as a domain <cpu> element.
    virtual result<std::string> baseline_cpu(const std::vector<std::string>& host_cpu_xmls,
                                             const std::string& virt_type) = 0;

    // Storage, through libvirt's storage API (works over SSH; no other channel to the host).
    // Defines, builds (directories only: a volume group is the admin's), starts and autostarts the pool
    // unless it exists; returns its path (an existing pool keeps its own).
    virtual result<std::string> ensure_pool(const pool_def& pool) = 0;
    // The volume's path, or nullopt when the pool has no such volume.
    virtual result<std::optional<std::string>> find_volume(const std::string& pool, const std::string& name) = 0;
    // Errors: conflict when it exists, internal with libvirt's message. Returns the path. In logical
    // pools the volume is fully allocated (a sparse LV would be an LVM snapshot of the zero device).
    virtual result<std::string> create_volume(const std::string& pool, const volume_spec& spec) = 0;
    // A new volume whose bytes are exactly `local_file`'s, sent through the storage upload stream.
    virtual result<std::string> upload_volume(const std::string& pool, const std::string& name,
                                              const std::string& local_file) = 0;
    // The last `max_bytes` of a file in the pool (e.g. a console log). Errors: not_found.
    virtual result<std::string> read_volume_tail(const std::string& pool, const std::string& name,
                                                 std::size_t max_bytes) = 0;
    // Writes the volume's bytes (the file as stored, e.g. qcow2) into `local_file`, through the storage
    // download stream. Errors: not_found, internal.
    virtual result<void> download_volume(const std::string& pool, const std::string& name,
                                         const std::string& local_file) = 0;
    // Succeeds when the volume is already gone.
    virtual result<void> delete_volume(const std::string& pool, const std::string& name) = 0;
    // Grows a volume that no running guest uses.
    virtual result<void> resize_volume(const std::string& pool, const std::string& name, std::int64_t bytes) = 0;
    // Adds a disk (a qcow2 file or a raw block device) as virtio disk `target` (vdc, ...) to the domain's
    // definition, and to the running guest too when it runs (hot-plug). Errors: not_found (domain),
    // conflict (target taken).
    virtual result<void> attach_disk(const std::string& uuid, const disk_spec& disk, const std::string& target) = 0;
    // Removes disk `target`; a running guest is asked to release it (hot-unplug).
    virtual result<void> detach_disk(const std::string& uuid, const disk_spec& disk, const std::string& target) = 0;

    // Snapshots inside the domain's qcow2 disks (raw disks such as the config drive are left out): with
    // the guest's memory when it runs (`with_memory` must then be true), disk-only when it is stopped
    // (`with_memory` false). Errors: not_found, conflict (running state and with_memory disagree).
    virtual result<void> create_snapshot(const std::string& uuid, const std::string& name,
                                         const std::vector<std::string>& skip_disks, bool with_memory) = 0;
    // Back to the snapshot: disks, and memory when it has it (the guest then runs as it did then).
    virtual result<void> revert_snapshot(const std::string& uuid, const std::string& name) = 0;
    // Succeeds when the snapshot is already gone.
    virtual result<void> delete_snapshot(const std::string& uuid, const std::string& name) = 0;
};

class hypervisor_driver {
public:
    virtual ~hypervisor_driver() = default;
    // Errors: validation_failed (field "uri") for unsupported URIs, host_unreachable when the
    // connection fails.
    virtual result<std::unique_ptr<hypervisor_connection>> connect(const std::string& uri,
                                                                   connection_callbacks callbacks) = 0;
};

// The URI schemes Kumo accepts: qemu:///system, xen:///system, test:///<abs path>.xml, and
// qemu+ssh:// or xen+ssh:// (see kumo/ssh/ssh.hpp).
// Errors: validation_failed naming `field`.
result<void> check_host_uri(const std::string& uri, const std::string& field);

// The domain type Kumo writes for a host reached through `uri`: test, xen, the configured kvm or
// qemu, or (configured "auto") kvm when the host's hypervisor offers it, qemu (emulation) otherwise.
std::string virt_type_for(const std::string& uri, const std::string& configured, const host_inventory& inv);

}  // namespace kumo
