#include "kumo/storage/volumes.hpp"

#include "directory.hpp"
#include "kumo/core/clock.hpp"
#include "kumo/core/ids.hpp"
#include "kumo/storage/volume_repo.hpp"
#include "vm_repo.hpp"

#include <fmt/format.h>

namespace kumo {
namespace {

error volume_not_found() {
    return make_error(errc::not_found, "volume not found");
}

std::string now() {
    return to_rfc3339(system_clock().now());
}

// The first virtio name after the root disk, the config drive and the ephemeral disk (if the VM has
// one) that no attached volume uses.
std::optional<std::string> free_device(const vm& target, const std::vector<volume>& attached) {
    for (char c = target.ephemeral_gb > 0 ? 'd' : 'c'; c <= 'z'; ++c) {
        const std::string dev = std::string("vd") + c;
        bool taken = false;
        for (const auto& v : attached)
            taken = taken || v.device == dev;
        if (!taken)
            return dev;
    }
    return std::nullopt;
}

}  // namespace

volume_spec blank_spec(const volume_place& place, int size_gb) {
    return {place.name, place.pool.block() ? "raw" : "qcow2", std::int64_t(size_gb) << 30, "", "", "", ""};
}

result<void> copy_into(hypervisor_connection& c, const pool_def& pool, const volume_spec& spec) {
    KUMO_TRY_VOID(c.create_volume(pool.name, spec));
    if (pool.block())  // made at the full size (the copy fills its start); logical pools do not resize
        return {};
    return c.resize_volume(pool.name, spec.name, spec.capacity_bytes);  // a file copy has its source's size
}

json volume_view(const volume& v) {
    auto or_null = [](const std::string& s) -> json { return s.empty() ? json(nullptr) : json(s); };
    return json{{"id", v.id},
                {"name", v.name},
                {"project_id", v.project_id},
                {"size_gb", v.size_gb},
                {"status", v.status},
                {"host_id", or_null(v.host_id)},
                {"attached_to", or_null(v.vm_id)},
                {"device", or_null(v.device)},
                {"image_id", or_null(v.source_image_id)},
                {"snapshot_id", or_null(v.source_snapshot_id)},
                {"volume_type", v.volume_type},
                {"created_at", v.created_at},
                {"updated_at", v.updated_at}};
}

std::string volume_file(const volume& v, const pool_def& pool) {
    return "volume-" + v.id + (pool.block() ? "" : ".qcow2");
}

result<volume_place> place_of(const config& cfg, const volume& v) {
    auto pool = cfg.pool_of_type(v.volume_type);
    if (!pool)
        return make_error(errc::conflict, "the volume's type " + v.volume_type + " is no longer configured");
    return volume_place{*pool, volume_file(v, *pool)};
}

json volume_types_view(const config& cfg) {
    auto view = [](const std::string& name, const std::string& description, const pool_def& p) {
        return json{{"name", name},
                    {"description", description},
                    {"kind", p.block() ? "logical" : (p.shared ? "shared" : "dir")},
                    {"shared", p.shared}};
    };
    json out = json::array({view(default_volume_type, "the main storage pool", cfg.main_pool())});
    for (const auto& t : cfg.volume_types)
        out.push_back(view(t.name, t.description, t.pool));
    return out;
}

awaitable<void> volume_service::save(volume v, const char* action) {
    v.updated_at = now();
    auto job = [v](sql::database& db) -> result<void> {
        repo::update_volume(db, v);
        return {};
    };
    (void)co_await store_.write(std::move(job));
    bus_.publish({"volume", action, v.id, v.project_id, volume_view(v)});
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
    int min_gb = 1;
    std::string snapshot_host, snapshot_file, snapshot_pool;
    if (!req.image_id.empty()) {
        KUMO_CO_TRY(const image img, co_await images_.usable(who, req.image_id, "image_id"));
        if (img.disk_format == "iso" || img.disk_format == "aki" || img.disk_format == "ari")
            co_return validation_error("image_id", "a volume starts from a disk image, not from an " + img.disk_format);
        min_gb = std::max<int>({1, img.min_disk_gb, static_cast<int>((img.virtual_size + (1LL << 30) - 1) >> 30)});
        v.source_image_id = img.id;
    } else if (!req.snapshot_id.empty()) {
        auto s = co_await find_snapshot(who, req.snapshot_id);
        if (!s)
            co_return validation_error("snapshot_id", "no such volume snapshot");
        auto parent_of = [id = s->volume_id](sql::database& db) -> result<std::optional<volume>> {
            return repo::find_volume(db, id);
        };
        KUMO_CO_TRY(const auto parent, co_await store_.read(std::move(parent_of)));
        if (!parent)
            co_return validation_error("snapshot_id", "the snapshot's volume is gone");
        KUMO_CO_TRY(const volume_place from, place_of(cfg_, *parent));
        if (req.volume_type.empty())
            v.volume_type = parent->volume_type;
        min_gb = s->size_gb;
        v.source_snapshot_id = s->id;
        v.source_image_id = s->host_id.empty() ? s->source_image_id : "";
        snapshot_host = s->host_id;
        snapshot_file = volume_snapshot_file(*s, from.pool);
        snapshot_pool = from.pool.name;
    } else if (!req.size_gb) {
        co_return validation_error("size_gb", "a blank volume needs a size");
    }
    v.size_gb = req.size_gb.value_or(min_gb);
    if (v.size_gb < min_gb)
        co_return validation_error("size_gb", fmt::format("at least {} GiB, the size of its source", min_gb));
    auto place = place_of(cfg_, v);
    if (!place)
        co_return validation_error("volume_type", "no such volume type: " + v.volume_type);
    auto job = [v, &cfg = cfg_](sql::database& db) -> result<void> {
        KUMO_TRY_VOID(check_project_quota(cfg, db, v.project_id, {{"volumes", 1}, {"volume_gb", v.size_gb}}));
        repo::insert_volume(db, v);
        return {};
    };
    KUMO_CO_TRY_VOID(co_await store_.write(std::move(job)));
    if (!snapshot_host.empty()) {
        // The snapshot's data lives on its host only: the volume is made there at once.
        volume_spec spec = blank_spec(*place, v.size_gb);
        spec.copy_of = snapshot_file;
        spec.copy_of_pool = snapshot_pool;
        auto copy = [target = place->pool, spec](hypervisor_connection& c) -> result<void> {
            KUMO_TRY_VOID(c.ensure_pool(target));
            return copy_into(c, target, spec);
        };
        auto copied = co_await hosts_.call(snapshot_host, std::move(copy));
        if (!copied) {
            auto undo = [pool = place->pool.name, name = place->name](hypervisor_connection& c) {
                return c.delete_volume(pool, name);
            };
            (void)co_await hosts_.call(snapshot_host, std::move(undo));
            auto forget = [id = v.id](sql::database& db) -> result<void> {
                repo::delete_volume(db, id);
                return {};
            };
            (void)co_await store_.write(std::move(forget));
            co_return copied.error();
        }
        v.host_id = snapshot_host;
        co_await save(v, "created");
        co_return v;
    }
    bus_.publish({"volume", "created", v.id, v.project_id, volume_view(v)});
    co_return v;
}

awaitable<result<volume>> volume_service::get(const principal& who, const std::string& id) {
    auto job = [id](sql::database& db) -> result<std::optional<volume>> { return repo::find_volume(db, id); };
    KUMO_CO_TRY(auto found, co_await store_.read(std::move(job)));
    if (!found || !who.can_see(found->project_id))
        co_return volume_not_found();
    co_return *found;
}

awaitable<result<std::vector<volume>>> volume_service::list(const principal& who, std::string marker, int limit) {
    const std::string project = who.is_admin() ? std::string() : who.project_id;
    auto job = [project, marker, limit](sql::database& db) -> result<std::vector<volume>> {
        return repo::list_volumes(db, project, marker, limit);
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
    auto check = [v, size_gb, &cfg = cfg_](sql::database& db) -> result<void> {
        return check_project_quota(cfg, db, v.project_id, {{"volume_gb", size_gb - v.size_gb}});
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

awaitable<result<volume>> volume_service::attach(const principal& who, const std::string& vm_id,
                                                 const std::string& volume_id) {
    volume v;
    vm target;
    volume_place place;
    // Reserve first (in-use, device chosen) so two attaches cannot both take the volume or the device.
    auto reserve = [&](sql::database& db) -> result<void> {
        auto found_vm = repo::find_vm(db, vm_id);
        if (!found_vm || !who.can_see(found_vm->project_id))
            return make_error(errc::not_found, "vm not found");
        auto found = repo::find_volume(db, volume_id);
        if (!found || !who.can_see(found->project_id))
            return volume_not_found();
        if (found->project_id != found_vm->project_id)
            return make_error(errc::conflict, "the volume and the VM belong to different projects");
        if (found->status != "available")
            return make_error(errc::conflict, "the volume is " + found->status);
        if (found_vm->host_id.empty() || found_vm->task != vm_task::none ||
            (found_vm->status != vm_status::active && found_vm->status != vm_status::stopped))
            return make_error(errc::conflict, "volumes attach to active or stopped VMs with no task running");
        KUMO_TRY(place, place_of(cfg_, *found));
        if (!place.pool.shared && !found->host_id.empty() && found->host_id != found_vm->host_id)
            return make_error(errc::conflict, "the volume's data lives on another host than the VM");
        auto device = free_device(*found_vm, repo::volumes_of_vm(db, vm_id));
        if (!device)
            return make_error(errc::conflict, "the VM has no free disk device");
        v = *found;
        target = *found_vm;
        v.status = "in-use";
        v.vm_id = vm_id;
        v.device = *device;
        v.host_id = found_vm->host_id;
        v.updated_at = now();
        repo::update_volume(db, v);
        return {};
    };
    KUMO_CO_TRY_VOID(co_await store_.write(reserve));
    result<void> plugged{};
    if (auto made = co_await materialize(v, v.host_id); !made) {
        plugged = made.error();
    } else {
        auto plug = [disk = place.disk(*made), uuid = target.id, device = v.device](hypervisor_connection& c) {
            return c.attach_disk(uuid, disk, device);
        };
        plugged = co_await hosts_.call(v.host_id, std::move(plug));
    }
    if (!plugged) {
        v.status = "available";
        v.vm_id.clear();
        v.device.clear();
        co_await save(v, "updated");  // host_id stays: the file may exist there now
        co_return plugged.error();
    }
    bus_.publish({"volume", "updated", v.id, v.project_id, volume_view(v)});
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
        KUMO_CO_TRY_VOID(co_await disks_.image_on_host(host_id, v.source_image_id));
        spec.copy_of = vm_storage::image_volume_name(v.source_image_id);
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

awaitable<result<volume>> volume_service::detach(const principal& who, const std::string& vm_id,
                                                 const std::string& volume_id) {
    KUMO_CO_TRY(volume v, co_await get(who, volume_id));
    if (v.vm_id != vm_id)
        co_return make_error(errc::conflict, "the volume is not attached to this VM");
    KUMO_CO_TRY(const volume_place place, place_of(cfg_, v));
    auto unplug = [place, uuid = vm_id, device = v.device](hypervisor_connection& c) -> result<void> {
        KUMO_TRY(auto there, c.find_volume(place.pool.name, place.name));
        auto done = c.detach_disk(uuid, place.disk(there.value_or("")), device);
        if (!done && done.error().code == errc::not_found)
            return {};  // the domain is gone, or the disk already is
        return done;
    };
    KUMO_CO_TRY_VOID(co_await hosts_.call(v.host_id, std::move(unplug)));
    v.status = "available";
    v.vm_id.clear();
    v.device.clear();
    co_await save(v, "updated");
    co_return v;
}

}  // namespace kumo
