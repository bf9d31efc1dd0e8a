#pragma once
// What a hypervisor reports: a host's inventory and a domain's power state.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kumo {

// What a host reports about itself (libvirt node info and capabilities).
struct host_inventory {
    std::string cpu_model;
    int cpus = 0;
    std::int64_t memory_mb = 0;
    std::string arch;
    std::string hypervisor;          // libvirt driver type: QEMU, Xen, Test
    std::string hypervisor_version;  // e.g. 7.2.22
    std::string libvirt_version;
    std::string hostname;
    std::int64_t disk_gb = 0;  // capacity of the host's "default" storage pool; 0: none, disk untracked
    std::vector<std::string> cpu_features;
    std::string cpu_xml;  // the <cpu> element of the host's capabilities: input of the pool baseline
    bool kvm = false;     // the hypervisor offers hardware-accelerated (kvm) domains
};

// The hypervisor's view (libvirt virDomainState), kept current by lifecycle events and reconciliation.
enum class power_state { unknown, running, paused, shutdown, shutoff, crashed, suspended_to_ram, missing };

const char* to_string(power_state p);
std::optional<power_state> parse_power_state(std::string_view s);

}  // namespace kumo
