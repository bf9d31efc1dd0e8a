#pragma once
#include "kumo/hypervisor/vocabulary.hpp"

#include <optional>
#include <string>

namespace kumo {

// Status and task state follow Nova: status is where the VM is, task_state what is being done to it.
enum class vm_status { building, active, stopped, suspended, error, deleting };
enum class vm_task {
    none,
    scheduling,
    spawning,
    starting,
    stopping,
    rebooting,
    suspending,
    resuming,
    deleting,
    migrating
};

struct vm {
    std::string id;  // also the libvirt domain UUID
    std::string name;
    std::string project_id;
    std::string user_id;
    std::string flavor_id;
    std::string host_id;  // empty until placed
    int vcpus = 0;        // copied from the flavor at create: a flavor change never resizes a VM silently
    int ram_mb = 0;
    int disk_gb = 0;
    int ephemeral_gb = 0;
    std::string availability_zone;  // as requested; empty: any
    std::string server_group_id;    // empty: none
    vm_status status = vm_status::building;
    vm_task task = vm_task::none;
    power_state power = power_state::unknown;
    std::string vnc_password;  // secret: never logged, never in API responses
    std::string fault;         // why the VM is in error
    std::string image_id;      // empty: no disk (network boot)
    std::string public_keys;   // SSH public keys handed to the guest, one per line (copied at create)
    std::string user_data;     // handed to the guest's cloud-init as is
    // Direct kernel boot, copied from the image's properties at create: kernel_id, ramdisk_id, cmdline.
    std::string kernel_image, ramdisk_image, cmdline;
    // The image is an ISO (an installer): it is the VM's CD-ROM, booted first, and the root disk starts blank.
    bool boot_from_cdrom = false;
    std::string clone_of;  // the VM this one's root disk was copied from when it was built (a clone)
    std::string created_at, updated_at;
};

// An SSH public key a user registered, handed to the VMs they create with it (Nova's key pairs).
struct keypair {
    std::string id;
    std::string name;
    std::string user_id;
    std::string public_key;   // "type base64"
    std::string fingerprint;  // SHA256:...
    std::string created_at;
};

// A snapshot of a VM's disks (and its memory when it was running), inside its qcow2 files.
struct vm_snapshot {
    std::string id;  // also its name in libvirt
    std::string vm_id;
    std::string name;
    bool with_memory = false;
    std::string created_at;
};

const char* to_string(vm_status s);
const char* to_string(vm_task t);
std::optional<vm_status> parse_vm_status(std::string_view s);
std::optional<vm_task> parse_vm_task(std::string_view s);

// libvirt domain name for a VM: never the user's name, so user input cannot collide or inject.
inline std::string domain_name_for(const std::string& vm_id) {
    return "kumo-" + vm_id;
}

}  // namespace kumo
