// Volume snapshots (full copies of a volume's file on its host) and exports of volumes as images.
#include "kumo/core/clock.hpp"
#include "kumo/core/ids.hpp"
#include "kumo/storage/volume_repo.hpp"
#include "kumo/storage/volumes.hpp"

namespace kumo {

awaitable<result<void>> volume_service::check_quiet(const volume& v, const char* what) {
    if (v.vm_id.empty())
        co_return result<void>{};
    auto job = [this, id = v.vm_id](sql::database& db) -> result<bool> { return !vm_quiet_ || vm_quiet_(db, id); };
    KUMO_CO_TRY(const bool quiet, co_await store_.read(std::move(job)));
    if (!quiet)
        co_return make_error(errc::conflict,
                             std::string("the volume is attached to a VM that is not stopped; stop the VM or detach "
                                         "the volume before ") +
                                 what);
    co_return result<void>{};
}

awaitable<result<volume_snapshot>> volume_service::find_snapshot(const principal& who, const std::string& id) {
    auto job = [id](sql::database& db) -> result<std::optional<volume_snapshot>> {
        return repo::find_volume_snapshot(db, id);
    };
    KUMO_CO_TRY(auto found, co_await store_.read(std::move(job)));
    if (!found || !who.can_see(found->project_id))
        co_return make_error(errc::not_found, "volume snapshot not found");
    co_return *found;
}

awaitable<result<volume_snapshot>> volume_service::create_snapshot(const principal& who, const std::string& volume_id,
                                                                   std::string name) {
    KUMO_CO_TRY(const volume v, co_await get(who, volume_id));
    KUMO_CO_TRY(const volume_place place, place_of(cfg_, v));
    KUMO_CO_TRY_VOID(co_await check_quiet(v, "taking a snapshot"));
    volume_snapshot s{new_uuid(),
                      v.id,
                      v.project_id,
                      std::move(name),
                      v.size_gb,
                      v.host_id,
                      v.host_id.empty() ? v.source_image_id : "",
                      to_rfc3339(system_clock().now())};
    auto check = [s, &resources = resources_](sql::database& db) -> result<void> {
        return resources.check(db, s.project_id, {{"volume_gb", s.size_gb}});
    };
    KUMO_CO_TRY_VOID(co_await store_.read(std::move(check)));
    if (!s.host_id.empty()) {
        // Of the volume's size in an LVM pool (made at full size); a file copy takes its source's size.
        volume_spec spec =
            blank_spec({place.pool, volume_snapshot_file(s, place.pool)}, place.pool.block() ? v.size_gb : 0);
        spec.copy_of = place.name;
        auto copy = [pool = place.pool.name, spec](hypervisor_connection& c) -> result<void> {
            KUMO_TRY_VOID(c.create_volume(pool, spec));
            return {};
        };
        KUMO_CO_TRY_VOID(co_await hosts_.call(s.host_id, std::move(copy)));
    }
    auto job = [s, &resources = resources_](sql::database& db) -> result<void> {
        if (!repo::find_volume(db, s.volume_id))
            return make_error(errc::not_found, "the volume was deleted meanwhile");
        KUMO_TRY_VOID(resources.check(db, s.project_id, {{"volume_gb", s.size_gb}}));
        repo::insert_volume_snapshot(db, s);
        return {};
    };
    if (auto stored = co_await store_.write(std::move(job)); !stored) {
        if (!s.host_id.empty()) {
            auto undo = [pool = place.pool.name, name = volume_snapshot_file(s, place.pool)](hypervisor_connection& c) {
                return c.delete_volume(pool, name);
            };
            (void)co_await hosts_.call(s.host_id, std::move(undo));
        }
        co_return stored.error();
    }
    bus_.publish({"volume_snapshot", "created", s.id, s.project_id, volume_snapshot_view(s)});
    co_return s;
}

awaitable<result<std::vector<volume_snapshot>>> volume_service::snapshots(const principal& who,
                                                                          const std::string& volume_id) {
    KUMO_CO_TRY_VOID(co_await get(who, volume_id));
    auto job = [volume_id](sql::database& db) -> result<std::vector<volume_snapshot>> {
        return repo::volume_snapshots_of(db, volume_id);
    };
    auto found = co_await store_.read(std::move(job));
    co_return found;
}

awaitable<result<volume_snapshot>> volume_service::snapshot(const principal& who, const std::string& volume_id,
                                                            const std::string& id) {
    KUMO_CO_TRY(const volume_snapshot s, co_await find_snapshot(who, id));
    if (s.volume_id != volume_id)
        co_return make_error(errc::not_found, "volume snapshot not found");
    co_return s;
}

awaitable<result<void>> volume_service::remove_snapshot(const principal& who, const std::string& volume_id,
                                                        const std::string& id) {
    KUMO_CO_TRY(const volume_snapshot s, co_await snapshot(who, volume_id, id));
    KUMO_CO_TRY(const volume parent, co_await get(who, volume_id));
    KUMO_CO_TRY(const volume_place place, place_of(cfg_, parent));
    if (!s.host_id.empty()) {
        auto drop = [pool = place.pool.name, name = volume_snapshot_file(s, place.pool)](hypervisor_connection& c) {
            return c.delete_volume(pool, name);
        };
        KUMO_CO_TRY_VOID(co_await hosts_.call(s.host_id, std::move(drop)));
    }
    auto job = [id](sql::database& db) -> result<void> {
        repo::delete_volume_snapshot(db, id);
        return {};
    };
    KUMO_CO_TRY_VOID(co_await store_.write(std::move(job)));
    bus_.publish({"volume_snapshot", "deleted", s.id, s.project_id, volume_snapshot_view(s)});
    co_return result<void>{};
}

awaitable<result<image>> volume_service::export_image(const principal& who, const std::string& volume_id,
                                                      std::string name) {
    KUMO_CO_TRY(const volume v, co_await get(who, volume_id));
    KUMO_CO_TRY_VOID(co_await check_quiet(v, "exporting it"));
    if (v.host_id.empty())
        co_return make_error(errc::conflict, "the volume has no data yet (it is made when first attached)");
    KUMO_CO_TRY(const volume_place place, place_of(cfg_, v));
    image_create_request req;
    req.name = std::move(name);
    req.properties = {{"source_volume_id", v.id}};
    KUMO_CO_TRY(const image img, co_await images_.create(who, std::move(req)));
    if (auto started = co_await pools_.export_volume(who, v.host_id, place.pool.name, place.name, img.id); !started) {
        (void)co_await images_.remove(who, img.id);
        co_return started.error();
    }
    co_return img;
}

}  // namespace kumo
