#pragma once
// Whole-file steps of the image store (blocking: run them on the blocking pool).
#include "kumo/core/config.hpp"
#include "kumo/core/error.hpp"

#include <cstdint>
#include <string>

namespace kumo::image_files {

struct file_digest {
    std::int64_t size = 0;
    std::string sha256, md5;
};

// Size and digests of a file. Errors: internal (unreadable).
result<file_digest> digest_file(const std::string& path);

// Whether an image of this (detected) format is converted when image_convert_to_qcow2 is set.
bool converts_to_qcow2(const std::string& disk_format);

// Replaces `path` (detected as `disk_format`) by its qcow2 conversion, under the same memory limit as
// inspection. Errors: validation_failed (file) when qemu-img fails, internal.
result<void> convert_to_qcow2(const std::string& path, const std::string& disk_format, const config& cfg);

}  // namespace kumo::image_files
