#include "vm_volumes.hpp"

#include "kumo/core/clock.hpp"
#include "kumo/storage/volume_repo.hpp"
#include "vm_repo.hpp"

#include <set>

namespace kumo {

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

awaitable<result<volume>> vm_volumes::attach(const principal& who, const std::string& vm_id,
                                             const std::string& volume_id) {
    volume v;
    vm target;
    volume_place place;
    std::set<std::string> simulated;  // read here, on the core thread, for the check in the transaction
    for (const auto& h : hosts_.hosts())
        if (is_simulated(h))
            simulated.insert(h.id);
    // Reserve first (in-use, device chosen) so two attaches cannot both take the volume or the device.
    auto reserve = [&](sql::database& db) -> result<void> {
        auto found_vm = repo::find_vm(db, vm_id);
        if (!found_vm || !who.can_see(found_vm->project_id))
            return make_error(errc::not_found, "vm not found");
        auto found = repo::find_volume(db, volume_id);
        if (!found || !who.can_see(found->project_id))
            return make_error(errc::not_found, "volume not found");
        if (found->project_id != found_vm->project_id)
            return make_error(errc::conflict, "the volume and the VM belong to different projects");
        if (found->status != "available")
            return make_error(errc::conflict, "the volume is " + found->status);
        if (found_vm->host_id.empty() || found_vm->task != vm_task::none ||
            (found_vm->status != vm_status::active && found_vm->status != vm_status::stopped))
            return make_error(errc::conflict, "volumes attach to active or stopped VMs with no task running");
        if (simulated.count(found_vm->host_id))
            return make_error(errc::conflict,
                              "the VM is on a simulated host (libvirt's test driver), which cannot "
                              "attach disks: attach volumes to VMs on real hosts");
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
        v.updated_at = to_rfc3339(system_clock().now());
        repo::update_volume(db, v);
        return {};
    };
    KUMO_CO_TRY_VOID(co_await store_.write(reserve));
    result<void> plugged{};
    if (auto made = co_await volumes_.materialize(v, v.host_id); !made) {
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
        co_await volumes_.save(v, "updated");  // host_id stays: the file may exist there now
        co_return plugged.error();
    }
    bus_.publish({"volume", "updated", v.id, v.project_id, volume_view(v)});
    co_return v;
}

awaitable<result<volume>> vm_volumes::detach(const principal& who, const std::string& vm_id,
                                             const std::string& volume_id) {
    KUMO_CO_TRY(volume v, co_await volumes_.get(who, volume_id));
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
    co_await volumes_.save(v, "updated");
    co_return v;
}

}  // namespace kumo
