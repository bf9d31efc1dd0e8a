#include "kumo/services/compute.hpp"

#include "kumo/core/clock.hpp"
#include "kumo/core/ids.hpp"
#include "kumo/domain/domain_xml.hpp"
#include "kumo/domain/placement.hpp"
#include "kumo/services/directory.hpp"
#include "kumo/services/views.hpp"

#include <fmt/format.h>

namespace kumo {
namespace {

std::string vm_resource(const std::string& id) {
    return "/api/v1/vms/" + id;
}

}  // namespace

awaitable<result<vm_with_operation>> compute::create(const principal& who, create_vm_request req) {
    if (!req.host_id.empty() && !who.is_admin())
        co_return make_error(errc::forbidden, "only administrators may choose the host");
    if (who.scope != "project")
        co_return make_error(errc::forbidden, "VMs are created with a project-scoped token");
    std::vector<host_capacity> capacity;
    for (const auto& h : hosts_.hosts())
        capacity.push_back({h.id, h.name, hosts_.is_up(h.id), h.inventory.cpus, h.inventory.memory_mb, 0, 0});

    vm v;
    v.id = new_uuid();
    v.name = req.name;
    v.project_id = who.project_id;
    v.user_id = who.user_id;
    v.flavor_id = req.flavor_id;
    v.status = vm_status::building;
    v.task = vm_task::spawning;
    v.vnc_password = random_hex(4);  // VNC passwords are at most 8 characters
    v.created_at = v.updated_at = to_rfc3339(system_clock().now());
    operation op = operations::make("vm.create", vm_resource(v.id), v.id, who.project_id, who.user_id);

    const std::pair<double, double> ratios{cfg_.cpu_allocation_ratio, cfg_.ram_allocation_ratio};
    auto job = [&v, &op, capacity, req, ratios, &cfg = cfg_](sql::database& db) mutable -> result<void> {
        auto f = repo::find_flavor(db, req.flavor_id);
        if (!f)
            return validation_error("flavor_id", "no flavor with this id");
        // Checked in the transaction that inserts the VM: concurrent creates cannot overshoot the quota.
        KUMO_TRY_VOID(check_project_quota(
            cfg, db, v.project_id,
            {{"instances", 1}, {"vcpus", f->vcpus}, {"ram_mb", f->ram_mb}, {"disk_gb", f->disk_gb}}));
        v.vcpus = f->vcpus;
        v.ram_mb = f->ram_mb;
        auto usage = repo::usage_by_host(db);
        for (auto& c : capacity) {
            c.used_vcpus = usage[c.host_id].vcpus;
            c.used_ram_mb = usage[c.host_id].ram_mb;
        }
        if (!req.host_id.empty()) {
            std::erase_if(capacity, [&](const host_capacity& c) { return c.host_id != req.host_id; });
            if (capacity.empty())
                return validation_error("host_id", "no host with this id");
        }
        KUMO_TRY(v.host_id, place_first_fit({v.vcpus, v.ram_mb, ratios.first, ratios.second}, capacity));
        repo::insert_vm(db, v);
        repo::insert_operation(db, op);
        return {};
    };
    auto placed = co_await store_.write(std::move(job));
    if (!placed)
        co_return placed.error();
    bus_.publish({"vm", "created", v.id, v.project_id, vm_view(v)});
    ops_.start(op, create_task(v), false);
    co_return vm_with_operation{v, op};
}

awaitable<result<vm_with_operation>> compute::act(const principal& who, const std::string& id, vm_action a,
                                                  action_options opts) {
    vm v;
    operation op = operations::make(operation_kind(a), vm_resource(id), id, who.project_id, who.user_id,
                                    json{{"force", opts.force}, {"hard", opts.hard}});
    auto job = [&](sql::database& db) -> result<void> {
        auto found = repo::find_vm(db, id);
        if (!found || !who.can_see(found->project_id))
            return make_error(errc::not_found, "vm not found");
        KUMO_TRY_VOID(check_action_allowed(*found, a));
        const std::string now = to_rfc3339(system_clock().now());
        if (!repo::claim_vm_task(db, id, task_for(a), now))
            return make_error(errc::operation_in_progress, "another operation is running on this vm");
        v = *found;
        v.task = task_for(a);
        v.updated_at = now;
        op.project_id = v.project_id;  // an admin acting on a project's VM: the op belongs to that project
        repo::insert_operation(db, op);
        return {};
    };
    auto claimed = co_await store_.write(std::move(job));
    if (!claimed)
        co_return claimed.error();
    bus_.publish({"vm", "updated", v.id, v.project_id, vm_view(v)});
    ops_.start(op, action_task(v, a, opts), a == vm_action::stop);
    co_return vm_with_operation{v, op};
}

awaitable<result<vm>> compute::get(const principal& who, const std::string& id) {
    auto job = [id](sql::database& db) -> result<std::optional<vm>> { return repo::find_vm(db, id); };
    auto found = co_await store_.read(std::move(job));
    if (!found)
        co_return found.error();
    if (!*found || !who.can_see((*found)->project_id))
        co_return make_error(errc::not_found, "vm not found");
    co_return **found;
}

awaitable<result<std::vector<vm>>> compute::list(const principal& who, repo::list_query q) {
    if (!who.is_admin() || q.project_id.empty())
        q.project_id = who.project_id;
    if (who.is_admin() && q.project_id == "*")
        q.project_id.clear();
    auto job = [q](sql::database& db) -> result<std::vector<vm>> { return repo::list_vms(db, q); };
    auto awaited = co_await store_.read(std::move(job));
    co_return awaited;
}

awaitable<void> compute::save_vm(vm v) {
    v.updated_at = to_rfc3339(system_clock().now());
    auto job = [v](sql::database& db) -> result<void> {
        repo::update_vm(db, v);
        return {};
    };
    (void)co_await store_.write(std::move(job));
    bus_.publish({"vm", "updated", v.id, v.project_id, vm_view(v)});
}

std::string compute::virt_type_of(const std::string& host_id) const {
    auto h = hosts_.find(host_id);
    return h ? h->virt_type : "kvm";
}

std::string compute::domain_xml(const vm& v, const std::string& virt_type) const {
    domain_spec spec;
    spec.uuid = v.id;
    spec.title = v.name;
    spec.project_id = v.project_id;
    spec.kind = guest_kind_for(virt_type);
    spec.vcpus = v.vcpus;
    spec.memory_mb = v.ram_mb;
    spec.cpu_model = cfg_.cpu_model;
    spec.vnc_password = v.vnc_password;
    return render_domain_xml(spec);
}

}  // namespace kumo
