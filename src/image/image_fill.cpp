// Images filled from a file instead of a request body (exports of volumes and VM disks), and the
// whole-file steps they share with uploads: digests, conversion to qcow2.
#include "image_files.hpp"
#include "kumo/core/crypto.hpp"
#include "kumo/core/subprocess.hpp"
#include "kumo/image/image_store.hpp"

#include <fmt/format.h>
#include <filesystem>
#include <fstream>
#include <vector>

namespace kumo {
namespace fs = std::filesystem;

namespace image_files {

result<file_digest> digest_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return make_error(errc::internal, "cannot read the image file");
    crypto::stream_digest sha256("sha256"), md5("md5");
    std::vector<char> buf(1 << 20);
    file_digest out;
    while (in) {
        in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
        const auto n = static_cast<std::size_t>(in.gcount());
        sha256.update(buf.data(), n);
        md5.update(buf.data(), n);
        out.size += static_cast<std::int64_t>(n);
    }
    if (in.bad())
        return make_error(errc::internal, "cannot read the image file");
    out.sha256 = sha256.hex();
    out.md5 = md5.hex();
    return out;
}

bool converts_to_qcow2(const std::string& disk_format) {
    for (std::string_view f : {"raw", "vmdk", "vdi", "vhd", "vhdx"})
        if (disk_format == f)
            return true;
    return false;
}

result<void> convert_to_qcow2(const std::string& path, const std::string& disk_format, const config& cfg) {
    // The source format is named, never probed: a raw image must not be read as whatever it contains.
    const std::string from = disk_format == "vhd" ? "vpc" : disk_format;
    const std::string out = path + ".qcow2";
    auto ran = run_process({"prlimit", "--as=" + std::to_string(2LL << 30), "qemu-img", "convert", "-q", "-f", from,
                            "-O", "qcow2", path, out},
                           std::chrono::seconds(cfg.image_import_timeout_s));
    std::error_code ec;
    if (!ran || ran->exit_code != 0) {
        fs::remove(out, ec);
        return validation_error("file", "qemu-img cannot convert the image to qcow2: " +
                                            (ran ? ran->err.substr(0, 300) : ran.error().detail));
    }
    fs::rename(out, path, ec);
    if (ec) {
        fs::remove(out, ec);
        return make_error(errc::internal, "cannot store the converted image: " + ec.message());
    }
    return {};
}

}  // namespace image_files

awaitable<result<image>> image_store::fill(const principal& who, const std::string& id, file_producer produce) {
    image img;
    img.id = id;
    KUMO_CO_TRY(const std::int64_t limit, co_await start_saving(who, img, std::nullopt));
    const std::string part = file_path(id) + ".part";
    if (auto made = co_await produce(part); !made) {
        error killed = co_await kill(img, made.error());
        co_return killed;
    }
    auto digest = [part] { return image_files::digest_file(part); };
    auto digested = co_await run_on(blocking_.get_executor(), digest);
    if (!digested) {
        error killed = co_await kill(img, digested.error());
        co_return killed;
    }
    if (digested->size > limit) {
        error killed = co_await kill(img, too_large(digested->size));
        co_return killed;
    }
    auto activated = co_await activate(img, digested->size, std::move(digested->sha256), std::move(digested->md5));
    co_return activated;
}

}  // namespace kumo
