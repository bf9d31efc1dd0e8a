#include "vm_snapshots.hpp"

#include "compute_views.hpp"
#include "kumo/core/clock.hpp"
#include "kumo/core/ids.hpp"
#include "vm_repo.hpp"
#include "vm_state.hpp"

namespace kumo {

awaitable<result<vm>> snapshot_service::usable_vm(const principal& who, const std::string& vm_id) {
    auto job = [vm_id](sql::database& db) -> result<std::optional<vm>> { return repo::find_vm(db, vm_id); };
    KUMO_CO_TRY(auto found, co_await store_.read(std::move(job)));
    if (!found || !who.can_see(found->project_id))
        co_return make_error(errc::not_found, "vm not found");
    if (found->host_id.empty() || found->task != vm_task::none ||
        (found->status != vm_status::active && found->status != vm_status::stopped))
        co_return make_error(errc::conflict, "snapshots need an active or stopped VM with no task running");
    co_return *found;
}

awaitable<result<vm_snapshot>> snapshot_service::find(const std::string& vm_id, const std::string& id) {
    auto job = [id](sql::database& db) -> result<std::optional<vm_snapshot>> { return repo::find_vm_snapshot(db, id); };
    KUMO_CO_TRY(auto found, co_await store_.read(std::move(job)));
    if (!found || found->vm_id != vm_id)
        co_return make_error(errc::not_found, "snapshot not found");
    co_return *found;
}

awaitable<result<vm_snapshot>> snapshot_service::create(const principal& who, const std::string& vm_id,
                                                        std::string name, std::optional<bool> memory) {
    KUMO_CO_TRY(const vm v, co_await usable_vm(who, vm_id));
    const bool running = v.power == power_state::running;
    if (memory && *memory != running)
        co_return validation_error("memory", running ? "a running VM's snapshot includes its memory (stop it for a "
                                                       "disk-only snapshot)"
                                                     : "a stopped VM has no memory to snapshot");
    vm_snapshot s{new_uuid(), v.id, std::move(name), running, to_rfc3339(system_clock().now())};
    KUMO_CO_TRY(const std::vector<std::string> skip, co_await disks_.raw_devices(v));
    auto take = [s, skip](hypervisor_connection& c) { return c.create_snapshot(s.vm_id, s.id, skip, s.with_memory); };
    KUMO_CO_TRY_VOID(co_await hosts_.call(v.host_id, std::move(take)));
    auto job = [s](sql::database& db) -> result<void> {
        repo::insert_vm_snapshot(db, s);
        return {};
    };
    if (auto stored = co_await store_.write(std::move(job)); !stored) {
        auto undo = [s](hypervisor_connection& c) { return c.delete_snapshot(s.vm_id, s.id); };
        (void)co_await hosts_.call(v.host_id, std::move(undo));
        co_return stored.error();
    }
    co_return s;
}

awaitable<result<std::vector<vm_snapshot>>> snapshot_service::list(const principal& who, const std::string& vm_id) {
    auto job = [vm_id](sql::database& db) -> result<std::pair<std::optional<vm>, std::vector<vm_snapshot>>> {
        return std::pair{repo::find_vm(db, vm_id), repo::vm_snapshots_of(db, vm_id)};
    };
    KUMO_CO_TRY(auto found, co_await store_.read(std::move(job)));
    if (!found.first || !who.can_see(found.first->project_id))
        co_return make_error(errc::not_found, "vm not found");
    co_return found.second;
}

awaitable<result<vm>> snapshot_service::revert(const principal& who, const std::string& vm_id, const std::string& id) {
    KUMO_CO_TRY(vm v, co_await usable_vm(who, vm_id));
    KUMO_CO_TRY(const vm_snapshot s, co_await find(vm_id, id));
    auto back = [uuid = v.id, name = s.id](hypervisor_connection& c) -> result<power_state> {
        KUMO_TRY_VOID(c.revert_snapshot(uuid, name));
        return c.state(uuid);
    };
    KUMO_CO_TRY(const power_state now, co_await hosts_.call(v.host_id, std::move(back)));
    v.power = now;
    v.status = status_from_power(now);
    v.updated_at = to_rfc3339(system_clock().now());
    auto job = [v](sql::database& db) -> result<void> {
        repo::update_vm(db, v);
        return {};
    };
    KUMO_CO_TRY_VOID(co_await store_.write(std::move(job)));
    bus_.publish({"vm", "updated", v.id, v.project_id, vm_view(v)});
    co_return v;
}

awaitable<result<void>> snapshot_service::remove(const principal& who, const std::string& vm_id,
                                                 const std::string& id) {
    KUMO_CO_TRY(const vm v, co_await usable_vm(who, vm_id));
    KUMO_CO_TRY(const vm_snapshot s, co_await find(vm_id, id));
    auto drop = [uuid = v.id, name = s.id](hypervisor_connection& c) { return c.delete_snapshot(uuid, name); };
    KUMO_CO_TRY_VOID(co_await hosts_.call(v.host_id, std::move(drop)));
    auto job = [id](sql::database& db) -> result<void> {
        repo::delete_vm_snapshot(db, id);
        return {};
    };
    auto done = co_await store_.write(std::move(job));
    co_return done;
}

awaitable<result<image>> snapshot_service::create_image(const principal& who, const std::string& vm_id,
                                                        std::string name) {
    KUMO_CO_TRY(const vm v, co_await usable_vm(who, vm_id));
    if (v.image_id.empty())
        co_return make_error(errc::conflict, "the VM has no root disk (it was not built from an image)");
    if (v.status != vm_status::stopped)
        co_return make_error(errc::conflict, "stop the VM first: its root disk is copied as it is on the host");
    image_create_request req;
    req.name = std::move(name);
    req.min_disk_gb = v.disk_gb;
    req.properties = {{"image_type", "snapshot"}, {"instance_uuid", v.id}};
    if (!v.kernel_image.empty())
        req.properties["kernel_id"] = v.kernel_image;
    if (!v.ramdisk_image.empty())
        req.properties["ramdisk_id"] = v.ramdisk_image;
    if (!v.cmdline.empty())
        req.properties["os_command_line"] = v.cmdline;
    KUMO_CO_TRY(const image img, co_await images_.create(who, std::move(req)));
    // Named first: GCC 12 destroys prvalue arguments of a coroutine inside co_await twice.
    std::string host_id = v.host_id, main_pool, root = vm_disks::root_volume_name(v), image_id = img.id;
    if (auto started = co_await pools_.export_volume(who, std::move(host_id), std::move(main_pool), std::move(root),
                                                     std::move(image_id));
        !started) {
        (void)co_await images_.remove(who, img.id);
        co_return started.error();
    }
    co_return img;
}

}  // namespace kumo
