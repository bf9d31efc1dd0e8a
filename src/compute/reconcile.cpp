// Keeping the database in step with what the hosts report: lifecycle events, periodic reconciliation,
// restoring simulated hosts, and resuming operations after a restart.
#include "compute.hpp"
#include "compute_views.hpp"
#include "kumo/core/clock.hpp"
#include "kumo/core/log.hpp"
#include "kumo/operations/operation_repo.hpp"
#include "vm_repo.hpp"

#include <set>

namespace kumo {

awaitable<void> compute::observe_power(std::string vm_id, power_state p) {
    const std::string fault = p == power_state::missing ? "the domain is missing on its host" : "";
    auto record = [vm_id, p, fault](sql::database& db) -> result<std::optional<vm>> {
        if (!repo::record_power(db, vm_id, p, status_from_power(p), fault, to_rfc3339(system_clock().now())))
            return std::optional<vm>{};
        return repo::find_vm(db, vm_id);
    };
    auto saved = co_await store_.write(std::move(record));
    if (saved && *saved)
        bus_.publish({"vm", "updated", vm_id, (*saved)->project_id, vm_view(**saved)});
}

awaitable<void> compute::on_domain_event(const std::string& host_id, const std::string& uuid) {
    auto job = [uuid](sql::database& db) -> result<std::optional<vm>> { return repo::find_vm(db, uuid); };
    auto found = co_await store_.read(std::move(job));
    // While a migration runs the domain vanishes from one host and appears on the other: the
    // migration task, not the events, decides where the VM is.
    if (!found || !*found || (*found)->host_id != host_id || (*found)->task == vm_task::migrating)
        co_return;
    auto state = co_await power_of(**found);
    if (state && *state != (*found)->power)
        co_await observe_power(uuid, *state);
}

awaitable<void> compute::reconcile_host(const std::string& host_id) {
    auto domains = co_await hosts_.call(host_id, [](hypervisor_connection& c) { return c.list_domains(); });
    if (!domains)
        co_return;
    auto job = [host_id](sql::database& db) -> result<std::vector<vm>> { return repo::vms_on_host(db, host_id); };
    auto vms = co_await store_.read(std::move(job));
    if (!vms)
        co_return;
    std::map<std::string, power_state> on_host;
    for (const auto& d : *domains)
        on_host[d.uuid] = d.power;
    std::set<std::string> known;
    for (const vm& v : *vms) {
        known.insert(v.id);
        if (v.task == vm_task::migrating)
            continue;  // the migration task settles it
        auto it = on_host.find(v.id);
        const power_state p = it == on_host.end() ? power_state::missing : it->second;
        const bool settled = v.task == vm_task::none;
        if (p == v.power && (!settled || status_from_power(p) == v.status))
            continue;
        if (p == power_state::missing && settled)
            log::warn("reconcile", "vm {} has no domain on its host; marking it error", v.id);
        co_await observe_power(v.id, p);
    }
    std::vector<std::string> unknown;
    for (const auto& d : *domains)
        if (!known.count(d.uuid))
            unknown.push_back(d.name);
    if (unknown != hosts_.unknown_domains(host_id)) {
        if (!unknown.empty())
            log::warn("reconcile", "host {} runs {} domain(s) Kumo does not know", host_id, unknown.size());
        hosts_.set_unknown_domains(host_id, unknown);
    }
}

awaitable<void> compute::reconcile_all() {
    for (const auto& h : hosts_.hosts())
        if (hosts_.is_up(h.id))
            co_await reconcile_host(h.id);
}

awaitable<void> compute::restore_simulated(const std::string& host_id) {
    auto job = [host_id](sql::database& db) -> result<std::vector<vm>> { return repo::vms_on_host(db, host_id); };
    // libvirt's test driver keeps domains in memory only: the simulated host "kept running" while the
    // daemon was away, so its domains are put back from the database.
    auto vms = co_await store_.read(std::move(job));
    if (!vms)
        co_return;
    for (const vm& v : *vms) {
        if (v.power == power_state::missing || v.power == power_state::unknown)
            continue;
        const std::string xml = domain_xml(v, "test");
        const power_state p = v.power;
        auto job = [xml, id = v.id, p](hypervisor_connection& c) -> result<void> {
            KUMO_TRY(auto now, c.state(id));
            if (now != power_state::missing)
                return {};
            KUMO_TRY_VOID(c.define(xml));
            if (p == power_state::running || p == power_state::paused)
                KUMO_TRY_VOID(c.start(id));
            if (p == power_state::paused)
                KUMO_TRY_VOID(c.suspend(id));
            return {};
        };
        (void)co_await hosts_.call(host_id, std::move(job));
    }
}

awaitable<void> compute::on_host_connected(const std::string& host_id) {
    if (virt_type_of(host_id) == "test")
        co_await restore_simulated(host_id);
    co_await reconcile_host(host_id);
}

awaitable<void> compute::resume_unfinished() {
    auto ops = co_await store_.read(
        [](sql::database& db) -> result<std::vector<operation>> { return repo::unfinished_operations(db); });
    if (!ops)
        co_return;
    for (auto& op : *ops) {
        auto job = [id = op.target_id](sql::database& db) -> result<std::optional<vm>> {
            return repo::find_vm(db, id);
        };
        auto found = co_await store_.read(std::move(job));
        std::optional<vm> v = found ? *found : std::nullopt;
        const std::string action = op.kind.substr(op.kind.find('.') + 1);
        log::info("operations", "resuming {} {} after a restart", op.kind, op.id);
        if (op.kind == "vm.migrate" && resume_migration_) {
            resume_migration_(op, v);
        } else if (op.kind == "vm.create" && v) {
            ops_.start(op, create_task(*v), false);
        } else if (auto a = action == "delete" ? std::optional(vm_action::del) : parse_vm_action(action); a && v) {
            action_options opts{op.params.value("force", false), op.params.value("hard", false)};
            ops_.start(op, action_task(*v, *a, opts), *a == vm_action::stop);
        } else {
            // Its VM is gone (a delete that had finished) or the kind is unknown: end it plainly.
            const bool deleted = op.kind == "vm.delete" && !v;
            ops_.start(
                op,
                [deleted](op_context&) -> awaitable<result<void>> {
                    if (deleted)
                        co_return result<void>{};
                    co_return make_error(errc::internal,
                                         "the daemon restarted and this operation could not be resumed");
                },
                false);
        }
    }
}

}  // namespace kumo
