#include "kumo/image/image.hpp"

#include "kumo/core/enum_names.hpp"

namespace kumo {
namespace {

constexpr std::array<std::pair<image_status, const char*>, 4> image_status_names{{
    {image_status::queued, "queued"},
    {image_status::saving, "saving"},
    {image_status::active, "active"},
    {image_status::killed, "killed"},
}};

}  // namespace

const char* to_string(image_status s) {
    return name_in(image_status_names, s);
}
std::optional<image_status> parse_image_status(std::string_view s) {
    return parse_in(image_status_names, s);
}
bool is_known_disk_format(std::string_view f) {
    for (const char* known : {"qcow2", "raw", "vmdk", "vdi", "vhd", "vhdx", "iso", "aki", "ari"})
        if (f == known)
            return true;
    return false;
}

}  // namespace kumo
