#pragma once
// What an uploaded image really is, pure: from `qemu-img info --output=json` and the file's first bytes.
// The rules refuse the classic host-file-disclosure attacks on image services: a qcow2 naming a backing
// file or an external data file, a VMDK whose extents live in other files, and a format declared as
// something other than what the bytes are (raw bytes that look like qcow2 to a later reader).
#include "kumo/core/error.hpp"

#include <cstdint>
#include <string>
#include <string_view>

namespace kumo {

// The smallest raw disk image accepted (a raw image must also be whole 512-byte sectors).
inline constexpr std::int64_t kMinRawDiskBytes = 1 << 20;

// What qemu-img found, plus what the leading bytes say.
struct image_probe {
    std::string qemu_format;  // qemu-img's "format": qcow2, raw, vmdk, vdi, vpc, vhdx, ...
    std::int64_t virtual_size = 0;
    std::string backing_file;          // "backing-filename", empty if none
    std::string data_file;             // qcow2 "data-file", empty if none
    std::string vmdk_create_type;      // vmdk "create-type" (monolithicSparse, monolithicFlat, ...)
    bool vmdk_foreign_extent = false;  // a vmdk extent lives in a file other than the image itself
    std::string sniffed;               // from the bytes: iso, aki (bzImage), ari (initramfs), or empty
};

// Parses qemu-img's JSON for `path` (the file it was asked about). Errors: validation_failed (field
// "file") when the JSON is not what qemu-img writes.
result<image_probe> parse_qemu_img_info(std::string_view json_text, std::string_view path);

// iso (ISO 9660 "CD001" at 32769), aki (Linux boot protocol "HdrS" at 0x202), ari (gzip, xz, zstd, lz4 or
// cpio "070701"), or empty. `head` is the file's first 64 KiB (or all of it, when shorter).
std::string sniff_format(std::string_view head);

struct image_verdict {
    std::string disk_format;  // Kumo's name: qcow2 raw vmdk vdi vhd vhdx iso aki ari
    std::int64_t virtual_size = 0;
};

// Accepts or refuses an image. `declared` may be empty (then the detected format is taken).
// Errors: validation_failed on field "file" (backing file, data file, foreign extent, unsupported
// format, too large) or "disk_format" (declared and detected disagree).
result<image_verdict> judge_image(const image_probe& p, std::string_view declared, std::int64_t file_size,
                                  std::int64_t max_virtual_bytes);

}  // namespace kumo
