#pragma once
#include <cstdint>
#include <string>

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
};

enum class host_status { up, down };

struct host {
    std::string id;
    std::string name;
    std::string uri;
    host_status status = host_status::down;
    std::string virt_type;  // kvm, qemu, xen or test: the domain type Kumo writes for this host
    host_inventory inventory;
    std::string last_error;
    std::string created_at, updated_at;
};

const char* to_string(host_status s);

}  // namespace kumo
