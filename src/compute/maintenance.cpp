// Maintenance mode (empty a host, one VM at a time) and host removal.
#include "compute_views.hpp"
#include "kumo/core/clock.hpp"
#include "kumo/core/log.hpp"
#include "kumo/host/claim_repo.hpp"
#include "kumo/host/host_repo.hpp"
#include "kumo/host/host_views.hpp"
#include "kumo/operations/operation_repo.hpp"
#include "mobility.hpp"
#include "vm_repo.hpp"

namespace kumo {
namespace {

// Sets or clears the maintenance flag. Errors: not_found.
result<host> set_maintenance(sql::database& db, const std::string& host_id, bool on) {
    auto h = repo::find_host(db, host_id);
    if (!h)
        return make_error(errc::not_found, "host not found");
    h->maintenance = on;
    h->updated_at = to_rfc3339(system_clock().now());
    repo::update_host_settings(db, *h);
    return *h;
}

json vm_entry(const vm& v, const char* state) {
    return json{{"id", v.id}, {"name", v.name}, {"state", state}};
}

}  // namespace

awaitable<result<operation>> mobility::enter_maintenance(const principal& who, std::string host_id) {
    if (emptying_.count(host_id))
        co_return make_error(errc::operation_in_progress, "this host is already being emptied");
    operation op = operations::make("host.maintenance", "/api/v1/hosts/" + host_id, host_id, "", who.user_id);
    auto job = [host_id, &op](sql::database& db) -> result<host> {
        KUMO_TRY(auto h, set_maintenance(db, host_id, true));
        repo::insert_operation(db, op);
        return h;
    };
    auto saved = co_await store_.write(std::move(job));
    if (!saved)
        co_return saved.error();
    log::info("maintenance", "host {} enters maintenance: no new VMs; moving its VMs away", saved->name);
    bus_.publish({"host", "updated", host_id, "", host_view(*saved, hosts_.unknown_domains(host_id))});
    emptying_[host_id] = op.id;
    ops_.start(op, maintenance_task(host_id, who), false);
    co_return op;
}

op_task mobility::maintenance_task(std::string host_id, principal who) {
    return [this, host_id, who](op_context& ctx) -> awaitable<result<void>> {
        const std::string cloud_wide;  // a host's operation belongs to no project
        auto job = [host_id](sql::database& db) -> result<std::vector<vm>> { return repo::vms_on_host(db, host_id); };
        auto listed = co_await store_.read(std::move(job));
        if (!listed) {
            emptying_.erase(host_id);
            co_return listed.error();
        }
        json entries = json::array();
        for (const auto& v : *listed)
            entries.push_back(vm_entry(v, "waiting"));
        ctx.details = json{{"vms", entries}};
        std::vector<std::string> stuck;
        for (std::size_t i = 0; i < listed->size(); ++i) {
            const vm& v = (*listed)[i];
            json& entry = ctx.details["vms"][i];
            entry["state"] = "migrating";
            co_await ops_.report(ctx, cloud_wide);
            migrate_request anywhere;  // named: GCC 12 mishandles a prvalue passed to a coroutine by value
            auto started = co_await migrate(who, v.id, std::move(anywhere));
            std::optional<operation> ended;
            if (started) {
                entry["operation_id"] = started->op.id;
                entry["target_host_id"] = started->op.params["target_host_id"];
                // Each migration is its own operation; wait for it to end, however long it takes.
                while (true) {
                    auto now = co_await ops_.wait(started->op.id, std::chrono::seconds(30));
                    if (!now || is_final(now->status)) {
                        ended = now ? std::optional<operation>(*now) : std::nullopt;
                        break;
                    }
                }
            }
            if (ended && ended->status == op_status::succeeded) {
                entry["state"] = "migrated";
            } else {
                entry["state"] = "not_moved";
                entry["error"] = !started                ? started.error().detail
                                 : ended && ended->error ? ended->error->value("detail", "migration failed")
                                                         : "migration failed";
                stuck.push_back(v.name + " (" + entry["error"].get<std::string>() + ")");
            }
            ctx.progress = static_cast<int>((i + 1) * 100 / listed->size());
            co_await ops_.report(ctx, cloud_wide);
        }
        emptying_.erase(host_id);
        if (!stuck.empty()) {
            std::string list;
            for (const auto& s : stuck)
                list += (list.empty() ? "" : "; ") + s;
            log::warn("maintenance", "host {}: {} VM(s) could not be moved: {}", host_id, stuck.size(), list);
            co_return make_error(errc::conflict, fmt::format("{} of {} VMs could not be moved and stay on the host: {}",
                                                             stuck.size(), listed->size(), list));
        }
        log::info("maintenance", "host {} is empty", host_id);
        co_return result<void>{};
    };
}

awaitable<result<void>> mobility::end_maintenance(std::string host_id) {
    if (emptying_.count(host_id))
        co_return make_error(errc::operation_in_progress, "this host is still being emptied");
    auto job = [host_id](sql::database& db) -> result<host> { return set_maintenance(db, host_id, false); };
    auto saved = co_await store_.write(std::move(job));
    if (!saved)
        co_return saved.error();
    log::info("maintenance", "host {} leaves maintenance", saved->name);
    bus_.publish({"host", "updated", host_id, "", host_view(*saved, hosts_.unknown_domains(host_id))});
    co_return result<void>{};
}

awaitable<result<void>> mobility::remove_host(std::string host_id, bool force) {
    if (emptying_.count(host_id))
        co_return make_error(errc::operation_in_progress, "this host is being emptied");
    auto read = [host_id](sql::database& db) -> result<std::vector<vm>> {
        if (!repo::find_host(db, host_id))
            return make_error(errc::not_found, "host not found");
        return repo::vms_on_host(db, host_id);
    };
    KUMO_CO_TRY(auto recorded, co_await store_.read(std::move(read)));
    if (!recorded.empty() && !force)
        co_return make_error(errc::conflict, fmt::format("the host has {} VM(s): migrate them away (maintenance "
                                                         "mode) or, once they are gone, remove it with force=true",
                                                         recorded.size()));
    if (!recorded.empty() && hosts_.is_up(host_id)) {
        auto listed = co_await hosts_.call(host_id, [](hypervisor_connection& c) { return c.list_domains(); });
        if (!listed)
            co_return listed.error();
        for (const auto& d : *listed)
            for (const auto& v : recorded)
                if (d.uuid == v.id)
                    co_return make_error(errc::conflict,
                                         "VM " + v.name +
                                             " still exists on the host; force removes only hosts whose "
                                             "VMs are gone");
    }
    auto job = [host_id, recorded](sql::database& db) -> result<void> {
        const std::string now = to_rfc3339(system_clock().now());
        for (vm v : recorded) {
            repo::release_claims(db, v.id);
            v.host_id.clear();
            v.status = vm_status::error;
            v.power = power_state::missing;
            v.fault = "its host was removed";
            v.updated_at = now;
            repo::update_vm(db, v);
        }
        repo::release_claims_on_host(db, host_id);
        repo::delete_host(db, host_id);
        return {};
    };
    KUMO_CO_TRY_VOID(co_await store_.write(std::move(job)));
    for (vm v : recorded) {
        v.host_id.clear();
        v.status = vm_status::error;
        bus_.publish({"vm", "updated", v.id, v.project_id, vm_view(v)});
    }
    log::info("hosts", "removed host {} ({} VM record(s) left in error)", host_id, recorded.size());
    co_await hosts_.forget(host_id);
    co_return result<void>{};
}

}  // namespace kumo
