#pragma once
#include "kumo/hypervisor/vocabulary.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace kumo {

// Per-host scheduling settings set by an administrator; unset ones follow the daemon's config.
struct host_overrides {
    std::optional<double> cpu_allocation_ratio, ram_allocation_ratio, disk_allocation_ratio;
    std::optional<std::int64_t> reserved_cpus, reserved_ram_mb, reserved_disk_gb;
    std::optional<std::int64_t> max_instances;  // -1: unlimited
};

// Calls f(name, field) for every override, in API order: the one list the repository, the API and
// the views share.
template <class Overrides, class F>
void for_each_override(Overrides& o, F&& f) {
    f("cpu_allocation_ratio", o.cpu_allocation_ratio);
    f("ram_allocation_ratio", o.ram_allocation_ratio);
    f("disk_allocation_ratio", o.disk_allocation_ratio);
    f("reserved_cpus", o.reserved_cpus);
    f("reserved_ram_mb", o.reserved_ram_mb);
    f("reserved_disk_gb", o.reserved_disk_gb);
    f("max_instances", o.max_instances);
}

enum class host_status { up, down };

struct host {
    std::string id;
    std::string name;
    std::string uri;
    host_status status = host_status::down;
    std::string virt_type;  // kvm, qemu, xen or test: the domain type Kumo writes for this host
    host_inventory inventory;
    bool enabled = true;       // disabled: keeps its VMs, receives no new ones
    bool maintenance = false;  // being emptied or empty for maintenance: receives no new ones
    host_overrides overrides;
    std::string ssh_host_key;       // SSH hosts: the key pinned at enrollment, "type base64"
    std::string migration_address;  // where migrations send this host memory; empty: its SSH address
    std::string last_error;
    std::string created_at, updated_at;
};

// Resources held on a host for a VM: written in the transaction that places the VM, removed when the
// VM is deleted, fails to build, or leaves the host.
struct claim_usage {
    int vcpus = 0;
    std::int64_t ram_mb = 0;
    std::int64_t disk_gb = 0;
    int instances = 0;
};

const char* to_string(host_status s);

// A host on libvirt's test driver (`kumo serve --simulate`, test:///file.xml): domains only; it can store
// no image copies and attach no disks (no storage upload), so VMs from images and volume attachments
// are refused there up front.
inline bool is_simulated(const host& h) {
    return h.uri.rfind("test://", 0) == 0;
}

}  // namespace kumo
