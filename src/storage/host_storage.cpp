#include "kumo/storage/host_storage.hpp"

#include "kumo/core/clock.hpp"
#include "kumo/core/log.hpp"
#include "kumo/storage/volume_repo.hpp"

#include <fmt/format.h>
#include <boost/asio/redirect_error.hpp>

namespace kumo {

awaitable<result<void>> host_storage::ensure_pool(const std::string& host_id) {
    auto ensure = [pool = cfg_.main_pool()](hypervisor_connection& c) { return c.ensure_pool(pool); };
    KUMO_CO_TRY(auto pool_path, co_await hosts_.call(host_id, std::move(ensure)));
    if (pool_path != cfg_.storage_pool_path)
        co_return make_error(errc::conflict, fmt::format("the host's storage pool {} is at {}, not at {}",
                                                         cfg_.storage_pool, pool_path, cfg_.storage_pool_path));
    co_return result<void>{};
}

awaitable<result<std::string>> host_storage::image_on_host(const std::string& host_id, const std::string& image_id) {
    KUMO_CO_TRY_VOID(co_await ensure_pool(host_id));
    auto path = co_await cached_image(host_id, image_id);
    co_return path;
}

awaitable<result<std::string>> host_storage::cached_image(const std::string& host_id, const std::string& image_id) {
    // One look-up-or-copy at a time per copy: VMs created together from one image wait for the one copy,
    // and the garbage collector cannot remove a copy while it is being taken into use.
    auto guard = co_await copies_.acquire(copy_key(host_id, image_id));
    const std::string now = to_rfc3339(system_clock().now());
    KUMO_CO_TRY(auto there, co_await recorded_copy(host_id, image_id, now));
    if (there)
        co_return *there;
    auto copied = co_await copy_image(host_id, image_id, now);
    co_return copied;
}

std::string host_storage::copy_key(const std::string& host_id, const std::string& image_id) const {
    // With a shared pool there is one copy for all hosts: one guard, whichever host makes it.
    return cfg_.storage_pool_shared ? image_id : host_id + "/" + image_id;
}

awaitable<result<std::optional<std::string>>> host_storage::recorded_copy(const std::string& host_id,
                                                                          const std::string& image_id,
                                                                          const std::string& now) {
    auto lookup = [host_id, image_id, now,
                   shared = cfg_.storage_pool_shared](sql::database& db) -> result<std::optional<repo::cached_image>> {
        auto c = repo::find_cached_image(db, host_id, image_id);
        if (!c && shared) {  // complete on another host of the shared pool: this host sees the same file
            const auto others = repo::hosts_caching(db, image_id);
            if (!others.empty())
                c = repo::find_cached_image(db, others.front(), image_id);
            if (c)
                c->host_id = host_id;
        }
        if (c) {
            c->last_used = now;
            repo::record_cached_image(db, *c);
        }
        return c;
    };
    KUMO_CO_TRY(auto cached, co_await store_.write(std::move(lookup)));
    if (!cached)
        co_return std::optional<std::string>{};
    auto find = [pool = cfg_.storage_pool, name = image_volume_name(image_id)](hypervisor_connection& c) {
        return c.find_volume(pool, name);
    };
    KUMO_CO_TRY(auto there, co_await hosts_.call(host_id, std::move(find)));
    if (!there)
        log::warn("storage", "cached image {} vanished from host {}; copying it again", image_id, host_id);
    co_return there;
}

awaitable<result<std::string>> host_storage::copy_image(const std::string& host_id, const std::string& image_id,
                                                        const std::string& now) {
    // Only a recorded copy is complete: anything else under that name is a leftover of an interrupted copy.
    auto copy = [pool = cfg_.storage_pool, name = image_volume_name(image_id),
                 file = images_.file_path(image_id)](hypervisor_connection& c) -> result<std::string> {
        KUMO_TRY_VOID(c.delete_volume(pool, name));
        return c.upload_volume(pool, name, file);
    };
    const auto started = std::chrono::steady_clock::now();
    auto copied = co_await hosts_.call(host_id, std::move(copy));
    if (!copied)
        co_return copied.error();
    const std::string path = *copied;
    log::info(
        "storage", "image {} copied to host {} in {} ms", image_id, host_id,
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started).count());
    auto record = [c = repo::cached_image{host_id, image_id, path, now}](sql::database& db) -> result<void> {
        repo::record_cached_image(db, c);
        return {};
    };
    auto recorded = co_await store_.write(std::move(record));
    if (!recorded)
        co_return recorded.error();
    co_return path;
}

awaitable<result<void>> host_storage::export_volume(const principal& who, std::string host_id, std::string source_pool,
                                                    std::string source, std::string image_id) {
    std::string copy = "export-" + image_id + ".qcow2";
    // qemu-img convert (libvirt's copy) reads through the backing chain: the copy stands alone.
    auto flatten = [pool = cfg_.storage_pool, copy, source, source_pool](hypervisor_connection& c) -> result<void> {
        KUMO_TRY_VOID(c.delete_volume(pool, copy));
        KUMO_TRY_VOID(
            c.create_volume(pool, {copy, "qcow2", 0, "", "", source, source_pool.empty() ? pool : source_pool}));
        return {};
    };
    KUMO_CO_TRY_VOID(co_await hosts_.call(host_id, std::move(flatten)));
    const std::string what = "export into image " + image_id;
    tasks_.spawn(finish_export(who, std::move(host_id), std::move(copy), std::move(image_id)), "storage", what);
    co_return result<void>{};
}

awaitable<result<void>> host_storage::download(std::string host_id, std::string pool, std::string volume,
                                               std::string local_file) {
    auto fetch = [pool, volume, local_file](hypervisor_connection& c) {
        return c.download_volume(pool, volume, local_file);
    };
    auto fetched = co_await hosts_.call(host_id, std::move(fetch));
    co_return fetched;
}

awaitable<void> host_storage::finish_export(principal who, std::string host_id, std::string copy,
                                            std::string image_id) {
    auto produce = [this, host_id, copy](std::string local_file) {
        return download(host_id, cfg_.storage_pool, copy, local_file);
    };
    auto filled = co_await images_.fill(who, image_id, produce);
    auto drop = [pool = cfg_.storage_pool, copy](hypervisor_connection& c) { return c.delete_volume(pool, copy); };
    if (auto gone = co_await hosts_.call(host_id, std::move(drop)); !gone)
        log::warn("storage", "cannot remove export copy {} from host {}: {}", copy, host_id, gone.error().detail);
    if (!filled)
        log::warn("storage", "export into image {} failed: {}", image_id, filled.error().detail);
}

bool host_storage::unused_since(sql::database& db, const std::string& host_id, const std::string& image_id,
                                const std::string& cutoff) const {
    auto c = repo::find_cached_image(db, host_id, image_id);
    if (!c || c->last_used > cutoff)  // fixed-width UTC timestamps compare as strings
        return false;
    for (const auto& users : image_users_)
        if (users(db, host_id).count(image_id))
            return false;
    return true;
}

awaitable<void> host_storage::collect_garbage(const std::string& host_id) {
    auto job = [host_id](sql::database& db) -> result<std::vector<repo::cached_image>> {
        return repo::cached_images_on(db, host_id);
    };
    auto cached = co_await store_.read(std::move(job));
    if (!cached)
        co_return;
    const std::string cutoff = to_rfc3339(system_clock().now() - std::chrono::seconds(cfg_.image_cache_ttl_s));
    for (const auto& c : *cached)
        if (c.last_used <= cutoff)
            co_await remove_cached(host_id, c.image_id, cutoff);
}

awaitable<void> host_storage::remove_cached(const std::string& host_id, const std::string& image_id,
                                            const std::string& cutoff) {
    // Under the copy's guard no VM build looks the copy up; deciding and unrecording in one transaction
    // means no other host of a shared pool starts using the file between the count and the removal.
    auto guard = co_await copies_.acquire(copy_key(host_id, image_id));
    enum class verdict { keep, unrecord, remove };
    auto decide = [this, host_id, image_id, cutoff](sql::database& db) -> result<verdict> {
        if (!unused_since(db, host_id, image_id, cutoff))
            return verdict::keep;
        // Other hosts of a shared pool may use the same file: the last one to let go removes it.
        const bool last = !cfg_.storage_pool_shared || repo::hosts_caching(db, image_id).size() <= 1;
        repo::forget_cached_image(db, host_id, image_id);
        return last ? verdict::remove : verdict::unrecord;
    };
    auto decided = co_await store_.write(std::move(decide));
    if (!decided || *decided != verdict::remove)
        co_return;
    // Unrecorded first: a copy that cannot be removed now is a leftover the next copy replaces.
    auto drop = [pool = cfg_.storage_pool, name = image_volume_name(image_id)](hypervisor_connection& conn) {
        return conn.delete_volume(pool, name);
    };
    if (auto gone = co_await hosts_.call(host_id, std::move(drop)); !gone) {
        log::warn("storage", "cannot remove cached image {} from host {}: {}", image_id, host_id, gone.error().detail);
        co_return;
    }
    log::info("storage", "removed cached image {} from host {} (unused)", image_id, host_id);
}

}  // namespace kumo
