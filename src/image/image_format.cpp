#include "image_format.hpp"

#include "kumo/core/json.hpp"

#include <fmt/format.h>

namespace kumo {
namespace {

error file_error(std::string message) {
    return validation_error("file", std::move(message));
}

bool starts_with_at(std::string_view s, std::size_t at, std::string_view magic) {
    return s.size() >= at + magic.size() && s.substr(at, magic.size()) == magic;
}

// Kumo's name for a qemu-img format; empty for formats Kumo does not take.
std::string kumo_format(std::string_view qemu, std::string_view sniffed) {
    if (qemu == "raw")
        return sniffed.empty() ? "raw" : std::string(sniffed);
    if (qemu == "vpc")
        return "vhd";
    for (std::string_view f : {"qcow2", "vmdk", "vdi", "vhdx"})
        if (qemu == f)
            return std::string(f);
    return {};
}

}  // namespace

result<image_probe> parse_qemu_img_info(std::string_view json_text, std::string_view path) {
    json j = json::parse(json_text, nullptr, false);
    if (!j.is_object() || !j.contains("format") || !j["format"].is_string() || !j.contains("virtual-size") ||
        !j["virtual-size"].is_number_integer())
        return file_error("qemu-img could not describe the image");
    image_probe p;
    p.qemu_format = j["format"].get<std::string>();
    p.virtual_size = j["virtual-size"].get<std::int64_t>();
    for (const char* key : {"backing-filename", "full-backing-filename"})
        if (j.contains(key) && j[key].is_string() && p.backing_file.empty())
            p.backing_file = j[key].get<std::string>();
    const json specific = j.value("format-specific", json::object()).value("data", json::object());
    if (specific.contains("data-file") && specific["data-file"].is_string())
        p.data_file = specific["data-file"].get<std::string>();
    if (p.qemu_format == "vmdk") {
        p.vmdk_create_type = specific.value("create-type", "");
        for (const auto& extent : specific.value("extents", json::array()))
            if (extent.value("filename", std::string(path)) != path)
                p.vmdk_foreign_extent = true;
    }
    return p;
}

std::string sniff_format(std::string_view head) {
    if (starts_with_at(head, 32769, "CD001"))
        return "iso";
    if (starts_with_at(head, 0x202, "HdrS"))
        return "aki";
    for (std::string_view magic :
         {std::string_view("\x1f\x8b", 2),
          std::string_view("\xfd"
                           "7zXZ\0",
                           6),
          std::string_view("\x28\xb5\x2f\xfd", 4), std::string_view("\x02\x21\x4c\x18", 4), std::string_view("070701")})
        if (starts_with_at(head, 0, magic))
            return "ari";
    return {};
}

result<image_verdict> judge_image(const image_probe& p, std::string_view declared, std::int64_t file_size,
                                  std::int64_t max_virtual_bytes) {
    if (file_size == 0)
        return file_error("the image is empty");
    if (!p.backing_file.empty())
        return file_error("the image names a backing file (" + p.backing_file + "); images must be self-contained");
    if (!p.data_file.empty())
        return file_error("the image names an external data file (" + p.data_file + ")");
    if (p.qemu_format == "vmdk" && (p.vmdk_foreign_extent || (p.vmdk_create_type != "monolithicSparse" &&
                                                              p.vmdk_create_type != "streamOptimized")))
        return file_error("VMDK images must be monolithicSparse or streamOptimized (extents in other files refused)");
    const std::string detected = kumo_format(p.qemu_format, p.sniffed);
    if (detected.empty())
        return file_error("unsupported image format '" + p.qemu_format + "'");
    if (!declared.empty() && declared != detected)
        return validation_error("disk_format", fmt::format("declared {} but the content is {}", declared, detected));
    if (p.virtual_size <= 0)
        return file_error("the image has no virtual size");
    // A raw disk is its bytes: a text file is no disk, and a guest's disk is whole 512-byte sectors.
    // (Kernels, ramdisks and ISOs are sniffed apart above and keep their own sizes.)
    if (detected == "raw" && (file_size % 512 != 0 || file_size < kMinRawDiskBytes))
        return file_error(
            fmt::format("a raw disk image must be a whole number of 512-byte sectors and at least {} "
                        "bytes; this file has {} bytes",
                        kMinRawDiskBytes, file_size));
    if (p.virtual_size > max_virtual_bytes)
        return file_error(
            fmt::format("virtual size {} bytes exceeds the maximum of {} bytes", p.virtual_size, max_virtual_bytes));
    return image_verdict{detected, p.virtual_size};
}

}  // namespace kumo
