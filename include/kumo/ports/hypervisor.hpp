#pragma once
// The hypervisor port: one connection per host. Every call blocks, so callers run them off the core
// thread, serialized per host (services/host_registry keeps one strand per host on the libvirt pool).
#include "kumo/core/error.hpp"
#include "kumo/model/host.hpp"
#include "kumo/model/vm.hpp"

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace kumo {

struct domain_status {
    std::string uuid;
    std::string name;
    power_state power = power_state::unknown;
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
};

class hypervisor_driver {
public:
    virtual ~hypervisor_driver() = default;
    // Errors: validation_failed (field "uri") for unsupported URIs, host_unreachable when the
    // connection fails.
    virtual result<std::unique_ptr<hypervisor_connection>> connect(const std::string& uri,
                                                                   connection_callbacks callbacks) = 0;
};

// The URI schemes Kumo accepts: qemu:///system, test:///<abs path>.xml, and (lab issue) qemu+ssh, xen+ssh.
// Errors: validation_failed naming `field`.
result<void> check_host_uri(const std::string& uri, const std::string& field);

// The domain type Kumo writes for a host reached through `uri`, given the configured local preference.
std::string virt_type_for_uri(const std::string& uri, const std::string& local_virt_type);

}  // namespace kumo
