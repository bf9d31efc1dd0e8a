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

// Formats an image may have; "aki"/"ari" are kernel and ramdisk (Glance's names).
bool is_known_disk_format(std::string_view f);

}  // namespace kumo
