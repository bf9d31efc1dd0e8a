#include "vm_disks.hpp"

#include "kumo/core/clock.hpp"
#include "kumo/core/fault_points.hpp"
#include "kumo/core/log.hpp"
#include "kumo/core/subprocess.hpp"
#include "kumo/storage/volume_repo.hpp"
#include "kumo/storage/volumes.hpp"

#include <fmt/format.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace kumo {
namespace fs = std::filesystem;

namespace {

std::string root_volume(const vm& v) {
    return vm_disks::root_volume_name(v);
}
std::string ephemeral_volume(const vm& v) {
    return "kumo-" + v.id + "-ephemeral.qcow2";
}
std::string config_volume(const vm& v) {
    return "kumo-" + v.id + "-config.iso";
}
std::string console_volume(const vm& v) {
    return "kumo-" + v.id + "-console.log";
}
std::string image_volume(const std::string& image_id) {
    return host_storage::image_volume_name(image_id);
}

// Writes the three NoCloud files into `dir` and makes the ISO; blocking (run off the core thread).
// `write_fault`: the test fault point "config-drive-write" (a full disk on demand).
result<void> build_iso(const config_drive_files& files, const std::string& dir, const std::string& iso,
                       bool write_fault) {
    std::error_code ec;
    fs::remove_all(dir, ec);
    fs::create_directories(dir, ec);
    if (ec)
        return make_error(errc::internal, "cannot create " + dir + ": " + ec.message());
    // Checked: a full disk must fail the build, not boot the guest without its key or user-data.
    for (const auto& [name, content] :
         {std::pair{"meta-data", &files.meta_data}, std::pair{"user-data", &files.user_data},
          std::pair{"network-config", &files.network_config}}) {
        std::ofstream out(dir + "/" + name, std::ios::binary);
        out << *content;
        out.close();
        if (!out || write_fault) {
            fs::remove_all(dir, ec);
            return make_error(errc::internal, fmt::format("cannot write the config drive's {} in {}", name, dir));
        }
    }
    auto ran = run_process({"genisoimage", "-quiet", "-output", iso, "-volid", "cidata", "-joliet", "-rock", dir},
                           std::chrono::seconds(60));
    fs::remove_all(dir, ec);
    if (!ran)
        return ran.error();
    if (ran->exit_code != 0)
        return make_error(errc::internal, "genisoimage failed: " + ran->err.substr(0, 500));
    return {};
}

}  // namespace

std::string hostname_for(const vm& v) {
    std::string h;
    for (char c : v.name) {
        const char l = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        if ((l >= 'a' && l <= 'z') || (l >= '0' && l <= '9'))
            h.push_back(l);
        else if (!h.empty() && h.back() != '-')
            h.push_back('-');
    }
    while (!h.empty() && h.back() == '-')
        h.pop_back();
    if (h.size() > 63)
        h.resize(63);
    while (!h.empty() && h.back() == '-')
        h.pop_back();
    return h.empty() ? "vm-" + v.id.substr(0, 8) : h;
}

config_drive_files config_drive_for(const vm& v) {
    config_drive_files f;
    f.meta_data = fmt::format("instance-id: {}\nlocal-hostname: {}\n", v.id, hostname_for(v));
    std::istringstream keys(v.public_keys);
    std::string line;
    bool first = true;
    while (std::getline(keys, line)) {
        if (line.empty())
            continue;
        if (first)
            f.meta_data += "public-keys:\n";
        first = false;
        f.meta_data += fmt::format("  - \"{}\"\n", line);  // validated "type base64": no quotes inside
    }
    f.user_data = v.user_data;
    f.network_config = "version: 2\nethernets:\n  nics:\n    match:\n      name: \"e*\"\n    dhcp4: true\n";
    return f;
}

result<disk_locality> disk_locality_of(const config& cfg, const vm& v, const std::vector<volume>& volumes) {
    bool shared = false, local = false;
    if (!v.image_id.empty())
        (cfg.storage_pool_shared ? shared : local) = true;
    for (const auto& vol : volumes) {
        KUMO_TRY(const volume_place place, place_of(cfg, vol));
        (place.pool.shared ? shared : local) = true;
    }
    if (shared && local)
        return disk_locality::mixed;
    return shared ? disk_locality::shared : (local ? disk_locality::local : disk_locality::none);
}

vm_disk_layout vm_disks::layout(const vm& v) const {
    vm_disk_layout d;
    if (v.image_id.empty())
        return d;
    const std::string base = cfg_.storage_pool_path + "/";
    d.disks.push_back({base + root_volume(v), "qcow2", false});
    d.disks.push_back({base + config_volume(v), "raw", true});
    if (v.ephemeral_gb > 0)
        d.disks.push_back({base + ephemeral_volume(v), "qcow2", false});
    if (v.boot_from_cdrom)
        d.cdrom = base + image_volume(v.image_id);
    if (!v.kernel_image.empty())
        d.kernel = base + image_volume(v.kernel_image);
    if (!v.ramdisk_image.empty())
        d.initrd = base + image_volume(v.ramdisk_image);
    d.console_log = base + console_volume(v);
    return d;
}

awaitable<result<void>> vm_disks::make_config_drive(const vm& v) {
    const std::string pool = cfg_.storage_pool;
    auto find = [pool, name = config_volume(v)](hypervisor_connection& c) { return c.find_volume(pool, name); };
    KUMO_CO_TRY(auto there, co_await hosts_.call(v.host_id, std::move(find)));
    if (there)
        co_return result<void>{};
    const std::string dir = cfg_.data_dir + "/tmp/cidata-" + v.id;
    const std::string iso = cfg_.data_dir + "/tmp/cidata-" + v.id + ".iso";
    auto build = [files = config_drive_for(v), dir, iso, fault = fault_armed("config-drive-write", v.id)] {
        return build_iso(files, dir, iso, fault);
    };
    KUMO_CO_TRY_VOID(co_await run_on(blocking_.get_executor(), build));
    auto upload = [pool, name = config_volume(v), iso](hypervisor_connection& c) -> result<void> {
        KUMO_TRY_VOID(c.upload_volume(pool, name, iso));
        return {};
    };
    auto sent = co_await hosts_.call(v.host_id, std::move(upload));
    std::error_code ec;
    fs::remove(iso, ec);
    co_return sent;
}

awaitable<result<void>> vm_disks::ensure_pools(const std::string& host_id, const vm& v,
                                               const std::vector<volume>& volumes) {
    std::vector<pool_def> pools;
    if (!v.image_id.empty())
        pools.push_back(cfg_.main_pool());
    for (const auto& vol : volumes) {
        KUMO_CO_TRY(const volume_place place, place_of(cfg_, vol));
        pools.push_back(place.pool);
    }
    auto ensure = [pools](hypervisor_connection& c) -> result<void> {
        for (const auto& p : pools)
            KUMO_TRY_VOID(c.ensure_pool(p));
        return {};
    };
    auto done = co_await hosts_.call(host_id, std::move(ensure));
    co_return done;
}

awaitable<result<std::vector<std::string>>> vm_disks::raw_devices(const vm& v) {
    std::vector<std::string> raw;
    if (!v.image_id.empty())
        raw.push_back("vdb");
    auto attached = [id = v.id](sql::database& db) -> result<std::vector<volume>> {
        return repo::volumes_of_vm(db, id);
    };
    KUMO_CO_TRY(const auto volumes, co_await store_.read(std::move(attached)));
    for (const auto& vol : volumes) {
        KUMO_CO_TRY(const volume_place place, place_of(cfg_, vol));
        if (place.pool.block())
            raw.push_back(vol.device);
    }
    co_return raw;
}

// The root disk: a qcow2 overlay on the cached image (or a full copy of it), sized by the flavor; blank
// for a VM that boots an ISO. The ephemeral disk, when the flavor has one, is blank too.
awaitable<result<void>> vm_disks::make_root_disk(const vm& v, const image& img, std::string base) {
    volume_spec root{
        root_volume(v), "qcow2", std::max<std::int64_t>(std::int64_t(v.disk_gb) << 30, img.virtual_size), "", "", ""};
    if (!v.clone_of.empty()) {  // a flattened copy of the source's root disk (as it was when stopped)
        vm source;
        source.id = v.clone_of;
        root.copy_of = root_volume(source);
    } else if (v.boot_from_cdrom)
        root.capacity_bytes = std::max<std::int64_t>(std::int64_t(v.disk_gb) << 30, 1LL << 30);
    else if (cfg_.root_disk_mode == "copy")
        root.copy_of = image_volume(v.image_id);
    else {
        root.backing_path = std::move(base);
        root.backing_format = img.disk_format;
    }
    std::vector<volume_spec> wanted{root};
    if (v.ephemeral_gb > 0)
        wanted.push_back({ephemeral_volume(v), "qcow2", std::int64_t(v.ephemeral_gb) << 30, "", "", ""});
    auto make = [pool = cfg_.storage_pool, wanted](hypervisor_connection& c) -> result<void> {
        for (const auto& spec : wanted) {
            KUMO_TRY(auto there, c.find_volume(pool, spec.name));
            if (!there)
                KUMO_TRY_VOID(c.create_volume(pool, spec));
        }
        return {};
    };
    auto made = co_await hosts_.call(v.host_id, std::move(make));
    co_return made;
}

awaitable<result<void>> vm_disks::prepare(const vm& v) {
    if (v.image_id.empty())
        co_return result<void>{};
    KUMO_CO_TRY(const image img, co_await images_.active(v.image_id));
    KUMO_CO_TRY(const std::string base, co_await pools_.image_on_host(v.host_id, v.image_id));
    for (const auto& extra : {v.kernel_image, v.ramdisk_image})
        if (!extra.empty())
            KUMO_CO_TRY_VOID(co_await pools_.cached_image(v.host_id, extra));
    KUMO_CO_TRY_VOID(co_await make_root_disk(v, img, base));
    auto drive = co_await make_config_drive(v);
    co_return drive;
}

awaitable<result<void>> vm_disks::release(const vm& v) {
    if (v.image_id.empty() || v.host_id.empty())
        co_return result<void>{};
    auto job = [pool = cfg_.storage_pool,
                names = std::vector<std::string>{root_volume(v), config_volume(v), ephemeral_volume(v),
                                                 console_volume(v)}](hypervisor_connection& c) -> result<void> {
        for (const auto& n : names) {
            auto gone = c.delete_volume(pool, n);
            if (!gone && gone.error().code != errc::not_found)  // a host without the pool has nothing to delete
                return gone;
        }
        return {};
    };
    auto done = co_await hosts_.call(v.host_id, std::move(job));
    co_return done;
}

awaitable<result<void>> vm_disks::prepare_copy_target(const vm& v, const std::vector<volume>& volumes) {
    if (!v.image_id.empty())
        KUMO_CO_TRY_VOID(co_await prepare(v));
    KUMO_CO_TRY_VOID(co_await ensure_pools(v.host_id, v, volumes));
    std::vector<std::pair<std::string, volume_spec>> blanks;  // pool, volume
    for (const auto& vol : volumes) {
        KUMO_CO_TRY(const volume_place place, place_of(cfg_, vol));
        blanks.emplace_back(place.pool.name, blank_spec(place, vol.size_gb));
    }
    auto make = [blanks](hypervisor_connection& c) -> result<void> {
        for (const auto& [pool, spec] : blanks) {
            KUMO_TRY_VOID(c.delete_volume(pool, spec.name));  // a leftover of an earlier attempt
            KUMO_TRY_VOID(c.create_volume(pool, spec));
        }
        return {};
    };
    auto made = co_await hosts_.call(v.host_id, std::move(make));
    co_return made;
}

awaitable<result<void>> vm_disks::copy_disks(const vm& v, const std::string& target,
                                             const std::vector<volume>& volumes) {
    std::vector<std::pair<std::string, std::string>> names;  // pool, volume
    if (!v.image_id.empty())
        names.emplace_back(cfg_.storage_pool, root_volume(v));
    if (v.ephemeral_gb > 0)
        names.emplace_back(cfg_.storage_pool, ephemeral_volume(v));
    for (const auto& vol : volumes) {
        KUMO_CO_TRY(const volume_place place, place_of(cfg_, vol));
        names.emplace_back(place.pool.name, place.name);
    }
    for (const auto& [pool, name] : names) {
        const std::string local = cfg_.data_dir + "/tmp/move-" + name;
        auto copied = co_await pools_.download(v.host_id, pool, name, local);
        if (copied) {
            // The file's bytes as they are (a qcow2 overlay keeps naming the same base path, cached there).
            auto upload = [pool, name, local](hypervisor_connection& c) -> result<void> {
                KUMO_TRY_VOID(c.delete_volume(pool, name));
                KUMO_TRY_VOID(c.upload_volume(pool, name, local));
                return {};
            };
            copied = co_await hosts_.call(target, std::move(upload));
        }
        std::error_code ec;
        fs::remove(local, ec);
        if (!copied)
            co_return copied.error();
    }
    co_return result<void>{};
}

awaitable<result<void>> vm_disks::drop_copies(const vm& v, const std::vector<volume>& volumes) {
    KUMO_CO_TRY_VOID(co_await release(v));
    std::vector<volume_place> places;
    for (const auto& vol : volumes) {
        KUMO_CO_TRY(volume_place place, place_of(cfg_, vol));
        places.push_back(std::move(place));
    }
    auto drop = [places](hypervisor_connection& c) -> result<void> {
        for (const auto& p : places) {
            auto gone = c.delete_volume(p.pool.name, p.name);
            if (!gone && gone.error().code != errc::not_found)  // a host without the pool has nothing to delete
                return gone;
        }
        return {};
    };
    auto dropped = co_await hosts_.call(v.host_id, std::move(drop));
    co_return dropped;
}

awaitable<result<std::string>> vm_disks::console_log(const vm& v, std::size_t max_bytes) {
    if (v.image_id.empty())
        co_return make_error(errc::conflict, "only VMs booted from an image keep a console log");
    if (v.host_id.empty())
        co_return std::string();
    auto job = [pool = cfg_.storage_pool, name = console_volume(v), max_bytes](hypervisor_connection& c) {
        return c.read_volume_tail(pool, name, max_bytes);
    };
    auto tail = co_await hosts_.call(v.host_id, std::move(job));
    if (!tail && tail.error().code == errc::not_found)
        co_return std::string();  // nothing logged yet
    co_return tail;
}

}  // namespace kumo
