#include "kumo/storage/volumes.hpp"

#include "kumo/core/clock.hpp"
#include "kumo/core/ids.hpp"
#include "kumo/storage/volume_repo.hpp"
#include "kumo/store/lasting_write.hpp"

#include <fmt/format.h>

namespace kumo {
namespace {

error volume_not_found() {
    return make_error(errc::not_found, "volume not found");
}

std::string now() {
    return to_rfc3339(system_clock().now());
}

}  // namespace

awaitable<void> volume_service::save(volume v, const char* action) {
    v.updated_at = now();
    auto job = [v](sql::database& db) -> result<void> {
        repo::update_volume(db, v);
        return {};
    };
    const std::string what = "the state of volume " + v.id;
    (void)co_await lasting_write(store_, std::move(job), what);
    bus_.publish({"volume", action, v.id, v.project_id, volume_view(v)});
}

awaitable<result<volume_service::volume_source>> volume_service::source_image(const principal& who,
                                                                              const std::string& image_id, volume& v) {
    KUMO_CO_TRY(const image img, co_await images_.usable(who, image_id, "image_id"));
    if (img.disk_format == "iso" || img.disk_format == "aki" || img.disk_format == "ari")
        co_return validation_error("image_id", "a volume starts from a disk image, not from an " + img.disk_format);
    v.source_image_id = img.id;
    volume_source src;
    src.min_gb = std::max<int>({1, img.min_disk_gb, static_cast<int>((img.virtual_size + (1LL << 30) - 1) >> 30)});
    co_return src;
}

awaitable<result<volume_service::volume_source>> volume_service::source_snapshot(const principal& who,
                                                                                 const std::string& snapshot_id,
                                                                                 bool keep_type, volume& v) {
    auto s = co_await find_snapshot(who, snapshot_id);
    if (!s)
        co_return validation_error("snapshot_id", "no such volume snapshot");
    auto parent_of = [id = s->volume_id](sql::database& db) -> result<std::optional<volume>> {
        return repo::find_volume(db, id);
    };
    KUMO_CO_TRY(const auto parent, co_await store_.read(std::move(parent_of)));
    if (!parent)
        co_return validation_error("snapshot_id", "the snapshot's volume is gone");
    KUMO_CO_TRY(const volume_place from, place_of(cfg_, *parent));
    if (!keep_type)
        v.volume_type = parent->volume_type;
    v.source_snapshot_id = s->id;
    v.source_image_id = s->host_id.empty() ? s->source_image_id : "";
    co_return volume_source{s->size_gb, s->host_id, volume_snapshot_file(*s, from.pool), from.pool.name};
}

awaitable<result<void>> volume_service::copy_snapshot(const volume& v, const volume_place& place,
                                                      const volume_source& src) {
    volume_spec spec = blank_spec(place, v.size_gb);
    spec.copy_of = src.snapshot_file;
    spec.copy_of_pool = src.snapshot_pool;
    auto copy = [target = place.pool, spec](hypervisor_connection& c) -> result<void> {
        KUMO_TRY_VOID(c.ensure_pool(target));
        return copy_into(c, target, spec);
    };
    auto copied = co_await hosts_.call(src.snapshot_host, std::move(copy));
    if (copied)
        co_return copied;
    auto undo = [pool = place.pool.name, name = place.name](hypervisor_connection& c) {
        return c.delete_volume(pool, name);
    };
    (void)co_await hosts_.call(src.snapshot_host, std::move(undo));
    auto forget = [id = v.id](sql::database& db) -> result<void> {
        repo::delete_volume(db, id);
        return {};
    };
    const std::string what = "the removal of failed volume " + v.id;
    (void)co_await lasting_write(store_, std::move(forget), what);
    co_return copied;
}

awaitable<result<volume>> volume_service::create(const principal& who, volume_create_request req) {
    if (who.scope != "project")
        co_return make_error(errc::forbidden, "volumes are created with a project-scoped token");
    if (!req.image_id.empty() && !req.snapshot_id.empty())
        co_return validation_error("snapshot_id", "give an image_id or a snapshot_id, not both");
    volume v;
    v.id = new_uuid();
    v.name = std::move(req.name);
    v.project_id = who.project_id;
    v.created_at = v.updated_at = now();
    if (!req.volume_type.empty())
        v.volume_type = req.volume_type;
    volume_source src;
    if (!req.image_id.empty()) {
        KUMO_CO_TRY(src, co_await source_image(who, req.image_id, v));
    } else if (!req.snapshot_id.empty()) {
        KUMO_CO_TRY(src, co_await source_snapshot(who, req.snapshot_id, !req.volume_type.empty(), v));
    } else if (!req.size_gb) {
        co_return validation_error("size_gb", "a blank volume needs a size");
    }
    v.size_gb = req.size_gb.value_or(src.min_gb);
    if (v.size_gb < src.min_gb)
        co_return validation_error("size_gb", fmt::format("at least {} GiB, the size of its source", src.min_gb));
    auto place = place_of(cfg_, v);
    if (!place)
        co_return validation_error("volume_type", "no such volume type: " + v.volume_type);
    auto job = [v, &resources = resources_](sql::database& db) -> result<void> {
        KUMO_TRY_VOID(resources.check(db, v.project_id, {{"volumes", 1}, {"volume_gb", v.size_gb}}));
        repo::insert_volume(db, v);
        return {};
    };
    KUMO_CO_TRY_VOID(co_await store_.write(std::move(job)));
    if (src.snapshot_host.empty()) {
        bus_.publish({"volume", "created", v.id, v.project_id, volume_view(v)});
        co_return v;
    }
    // The snapshot's data lives on its host only: the volume is made there at once.
    KUMO_CO_TRY_VOID(co_await copy_snapshot(v, *place, src));
    v.host_id = src.snapshot_host;
    co_await save(v, "created");
    co_return v;
}

awaitable<result<volume>> volume_service::get(const principal& who, const std::string& id) {
    auto job = [id](sql::database& db) -> result<std::optional<volume>> { return repo::find_volume(db, id); };
    KUMO_CO_TRY(auto found, co_await store_.read(std::move(job)));
    if (!found || !who.can_see(found->project_id))
        co_return volume_not_found();
    co_return *found;
}

awaitable<result<std::vector<volume>>> volume_service::list(const principal& who, std::string marker, int limit,
                                                            std::string name) {
    const std::string project = who.is_admin() ? std::string() : who.project_id;
    auto job = [project, marker, limit, name](sql::database& db) -> result<std::vector<volume>> {
        return repo::list_volumes(db, project, marker, limit, name);
    };
    auto found = co_await store_.read(std::move(job));
    co_return found;
}

awaitable<result<void>> volume_service::remove(const principal& who, const std::string& id) {
    KUMO_CO_TRY(const volume v, co_await get(who, id));
    if (!v.vm_id.empty())
        co_return make_error(errc::conflict, "the volume is attached to a VM; detach it first");
    auto snapshots_of = [id](sql::database& db) -> result<std::size_t> {
        return repo::volume_snapshots_of(db, id).size();
    };
    KUMO_CO_TRY(const std::size_t snapshot_count, co_await store_.read(std::move(snapshots_of)));
    if (snapshot_count > 0)
        co_return make_error(errc::conflict, "the volume has snapshots; delete them first");
    if (!v.host_id.empty()) {
        KUMO_CO_TRY(const volume_place place, place_of(cfg_, v));
        auto drop = [pool = place.pool.name, name = place.name](hypervisor_connection& c) {
            return c.delete_volume(pool, name);
        };
        KUMO_CO_TRY_VOID(co_await hosts_.call(v.host_id, std::move(drop)));
    }
    auto job = [id](sql::database& db) -> result<void> {
        auto again = repo::find_volume(db, id);
        if (again && !again->vm_id.empty())
            return make_error(errc::conflict, "the volume was attached meanwhile");
        repo::delete_volume(db, id);
        return {};
    };
    KUMO_CO_TRY_VOID(co_await store_.write(std::move(job)));
    bus_.publish({"volume", "deleted", v.id, v.project_id, volume_view(v)});
    co_return result<void>{};
}

awaitable<result<volume>> volume_service::extend(const principal& who, const std::string& id, int size_gb) {
    KUMO_CO_TRY(volume v, co_await get(who, id));
    if (size_gb <= v.size_gb)
        co_return validation_error("size_gb", fmt::format("volumes only grow: larger than {} GiB", v.size_gb));
    if (!v.vm_id.empty())
        co_return make_error(errc::conflict, "detach the volume before extending it");
    auto check = [v, size_gb, &resources = resources_](sql::database& db) -> result<void> {
        return resources.check(db, v.project_id, {{"volume_gb", size_gb - v.size_gb}});
    };
    KUMO_CO_TRY_VOID(co_await store_.read(std::move(check)));
    KUMO_CO_TRY(const volume_place place, place_of(cfg_, v));
    if (place.pool.block() && !v.host_id.empty())  // libvirt's logical pools cannot resize a volume
        co_return make_error(errc::conflict, "volumes of type " + v.volume_type + " (LVM) cannot be extended");
    if (!v.host_id.empty()) {
        auto grow = [pool = place.pool.name, name = place.name, size_gb](hypervisor_connection& c) {
            return c.resize_volume(pool, name, std::int64_t(size_gb) << 30);
        };
        KUMO_CO_TRY_VOID(co_await hosts_.call(v.host_id, std::move(grow)));
    }
    v.size_gb = size_gb;
    co_await save(v, "updated");
    co_return v;
}

awaitable<result<std::string>> volume_service::materialize(volume v, std::string host_id) {
    KUMO_CO_TRY(const volume_place place, place_of(cfg_, v));
    auto look = [place](hypervisor_connection& c) -> result<std::optional<std::string>> {
        KUMO_TRY_VOID(c.ensure_pool(place.pool));  // an existing pool keeps its path; paths come from libvirt
        return c.find_volume(place.pool.name, place.name);
    };
    KUMO_CO_TRY(auto there, co_await hosts_.call(host_id, std::move(look)));
    if (there)
        co_return *there;
    volume_spec spec = blank_spec(place, v.size_gb);
    if (!v.source_image_id.empty()) {
        KUMO_CO_TRY_VOID(co_await pools_.image_on_host(host_id, v.source_image_id));
        spec.copy_of = host_storage::image_volume_name(v.source_image_id);
        spec.copy_of_pool = cfg_.storage_pool;
    }
    auto make = [pool = place.pool, spec](hypervisor_connection& c) -> result<std::string> {
        if (spec.copy_of.empty())
            return c.create_volume(pool.name, spec);
        KUMO_TRY_VOID(copy_into(c, pool, spec));
        KUMO_TRY(auto path, c.find_volume(pool.name, spec.name));
        return path.value_or("");
    };
    auto made = co_await hosts_.call(host_id, std::move(make));
    co_return made;
}

}  // namespace kumo
