#include "kumo/storage/host_storage.hpp"

#include "kumo/core/clock.hpp"
#include "kumo/core/log.hpp"
#include "kumo/storage/volume_repo.hpp"

#include <fmt/format.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
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
    // With a shared pool there is one copy for all hosts: one copy under way, whichever host makes it.
    const std::string key = cfg_.storage_pool_shared ? image_id : host_id + "/" + image_id;
    while (copying_.count(key)) {  // another VM's build is copying it: wait, then use its copy
        std::shared_ptr<asio::steady_timer> done = copying_[key];
        done->expires_at(asio::steady_timer::time_point::max());
        boost::system::error_code ec;
        co_await done->async_wait(asio::redirect_error(asio::use_awaitable, ec));
    }
    const std::string now = to_rfc3339(system_clock().now());
    KUMO_CO_TRY(auto there, co_await recorded_copy(host_id, image_id, now));
    if (there)
        co_return *there;
    auto copied = co_await copy_image(host_id, image_id, key, now);
    co_return copied;
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
                                                        const std::string& key, const std::string& now) {
    // Only a recorded copy is complete: anything else under that name is a leftover of an interrupted copy.
    auto copy = [pool = cfg_.storage_pool, name = image_volume_name(image_id),
                 file = images_.file_path(image_id)](hypervisor_connection& c) -> result<std::string> {
        KUMO_TRY_VOID(c.delete_volume(pool, name));
        return c.upload_volume(pool, name, file);
    };
    const auto started = std::chrono::steady_clock::now();
    auto copying = std::make_shared<asio::steady_timer>(co_await asio::this_coro::executor);
    copying_[key] = copying;
    auto copied = co_await hosts_.call(host_id, std::move(copy));
    if (!copied) {
        copying_.erase(key);
        copying->cancel();
        co_return copied.error();
    }
    const std::string path = *copied;
    log::info(
        "storage", "image {} copied to host {} in {} ms", image_id, host_id,
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started).count());
    auto record = [c = repo::cached_image{host_id, image_id, path, now}](sql::database& db) -> result<void> {
        repo::record_cached_image(db, c);
        return {};
    };
    auto recorded = co_await store_.write(std::move(record));
    copying_.erase(key);  // waiters find the row now
    copying->cancel();
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
    asio::co_spawn(co_await asio::this_coro::executor,
                   finish_export(who, std::move(host_id), std::move(copy), std::move(image_id)), asio::detached);
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

awaitable<void> host_storage::collect_garbage(const std::string& host_id) {
    auto job = [this, host_id](sql::database& db) -> result<std::vector<repo::cached_image>> {
        std::set<std::string> used;
        for (const auto& users : image_users_)
            used.merge(users(db, host_id));
        std::vector<repo::cached_image> unused;
        for (auto& c : repo::cached_images_on(db, host_id))
            if (!used.count(c.image_id))
                unused.push_back(std::move(c));
        return unused;
    };
    auto unused = co_await store_.read(std::move(job));
    if (!unused)
        co_return;
    // Fixed-width UTC timestamps compare as strings.
    const std::string cutoff = to_rfc3339(system_clock().now() - std::chrono::seconds(cfg_.image_cache_ttl_s));
    for (const auto& c : *unused) {
        if (c.last_used > cutoff)
            continue;
        if (cfg_.storage_pool_shared) {
            // Other hosts of the shared pool may use the same file: the last one to let go removes it.
            auto others = [c](sql::database& db) -> result<std::size_t> {
                return repo::hosts_caching(db, c.image_id).size();
            };
            auto sharing = co_await store_.read(std::move(others));
            if (!sharing || *sharing > 1) {
                auto forget = [c](sql::database& db) -> result<void> {
                    repo::forget_cached_image(db, c.host_id, c.image_id);
                    return {};
                };
                (void)co_await store_.write(std::move(forget));
                continue;
            }
        }
        auto drop = [pool = cfg_.storage_pool, name = image_volume_name(c.image_id)](hypervisor_connection& conn) {
            return conn.delete_volume(pool, name);
        };
        if (auto gone = co_await hosts_.call(host_id, std::move(drop)); !gone) {
            log::warn("storage", "cannot remove cached image {} from host {}: {}", c.image_id, host_id,
                      gone.error().detail);
            continue;
        }
        auto forget = [c](sql::database& db) -> result<void> {
            repo::forget_cached_image(db, c.host_id, c.image_id);
            return {};
        };
        (void)co_await store_.write(std::move(forget));
        log::info("storage", "removed cached image {} from host {} (unused)", c.image_id, host_id);
    }
}

}  // namespace kumo
