#pragma once
// Images, as Glance describes them: a record first, then its bytes; the format is what the bytes are,
// never what the request said.
#include <cstdint>
#include <map>
#include <optional>
#include <string>

namespace kumo {

enum class image_status { queued, saving, active, killed };
const char* to_string(image_status s);
std::optional<image_status> parse_image_status(std::string_view s);

struct image {
    std::string id;
    std::string name;
    std::string project_id;              // the owner
    std::string visibility = "private";  // private | shared (with member projects) | public
    bool is_protected = false;           // deletion refused while set
    image_status status = image_status::queued;
    std::string disk_format;  // qcow2 raw vmdk vdi vhd vhdx iso aki (kernel) ari (ramdisk)
    std::string container_format = "bare";
    std::int64_t size_bytes = 0;    // of the stored file
    std::int64_t virtual_size = 0;  // of the disk it describes (= size for raw, iso, kernel, ramdisk)
    std::string sha256, md5;        // computed while the bytes streamed in
    std::string expected_sha256;    // declared by the client; the upload fails when it differs
    int min_ram_mb = 0;
    int min_disk_gb = 0;
    std::map<std::string, std::string> properties;  // os_type, arch, hw_firmware, kernel_id, ...
    std::string fault;                              // why the image was killed
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

// A data volume (Cinder's job). Its file (volume-<id>.qcow2, or the raw LVM volume volume-<id>) is made in
// its type's pool on the host of the VM it is first attached to, and stays on that host (a migration of
// its VM copies it along; with a shared pool every host reaches it).
struct volume {
    std::string id;
    std::string name;
    std::string project_id;
    int size_gb = 1;
    std::string status = "available";  // available | in-use | error
    std::string host_id;               // empty until its file exists
    std::string vm_id;                 // attached to, or empty
    std::string device;                // vdc, vdd, ... while attached
    std::string created_at, updated_at;
    // Where the first bytes come from when the file is made (empty: blank). A volume from a snapshot
    // that has a file is made at once on the snapshot's host.
    std::string source_image_id, source_snapshot_id;
    std::string volume_type = "default";  // a configured volume type: the pool its file lives in
};

// A copy of a volume's file at one moment, on the volume's host (Cinder's snapshots). A snapshot of a
// volume that had no file yet has no host; it names the image the volume would start from, if any.
struct volume_snapshot {
    std::string id;
    std::string volume_id;
    std::string project_id;
    std::string name;
    int size_gb = 1;
    std::string host_id;
    std::string source_image_id;
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

// Formats an image may have; "aki"/"ari" are kernel and ramdisk (Glance's names).
bool is_known_disk_format(std::string_view f);

}  // namespace kumo
