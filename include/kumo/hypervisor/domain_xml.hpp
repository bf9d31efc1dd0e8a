#pragma once
// libvirt domain XML from typed fields. Every value is escaped; user-chosen text only ever appears
// in <title> and the Kumo metadata element, never in names, paths or attributes libvirt acts on.
#include "kumo/core/storage_pool.hpp"

#include <string>
#include <vector>

namespace kumo {

enum class guest_kind { kvm, qemu, xen_hvm, xen_pv, test };

// A disk the guest sees, in the order given (vda, vdb, ...). Paths are Kumo's (volumes in its pool).
struct disk_spec {
    std::string path;
    std::string format = "qcow2";  // qcow2 | raw
    bool readonly = false;
    bool block = false;  // a block device (an LVM logical volume), raw
};

struct domain_spec {
    std::string uuid;
    std::string title;  // the user's VM name
    std::string project_id;
    guest_kind kind = guest_kind::kvm;
    int vcpus = 1;
    int memory_mb = 64;
    std::string arch = "x86_64";
    std::string cpu_model = "qemu64";  // kvm/qemu: a named model, never host-passthrough
    std::string cpu_xml;               // kvm: the pool's baseline <cpu> as libvirt computed it (not user input)
    std::string vnc_password;          // VNC listens on loopback only
    std::vector<disk_spec> disks;      // virtio disks vda, vdb, ... (kvm/qemu)
    // Direct kernel boot (Glance's kernel_id/ramdisk_id images): paths on the host, and the command line.
    std::string kernel, initrd, cmdline;
    std::string console_log;  // file the serial console is also written to (empty: none)
    // An ISO on an IDE CD-ROM drive (hdc), booted before the disks (empty: none). IDE because every
    // installer has its driver.
    std::string cdrom;
};

std::string render_domain_xml(const domain_spec& spec);
// One virtio <disk> element as target `target` (vda, ...), indented by `indent` spaces (0: one line,
// for device hot-plug).
std::string render_disk_xml(const disk_spec& disk, const std::string& target, int indent = 0);
// The libvirt <pool> definition: a directory (permissions 0711: QEMU reaches its files, nobody lists
// them) or an existing LVM volume group.
std::string render_pool_xml(const pool_def& pool);

// Escapes &, <, >, ' and " for XML text and attribute values.
std::string xml_escape(std::string_view s);

// The guest kind for a host's virt_type ("kvm", "qemu", "xen", "test"); xen defaults to HVM.
guest_kind guest_kind_for(std::string_view virt_type);

}  // namespace kumo
