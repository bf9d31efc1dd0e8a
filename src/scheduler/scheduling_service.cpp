#include "scheduling_service.hpp"

#include "kumo/core/clock.hpp"
#include "kumo/core/ids.hpp"
#include "kumo/host/host_repo.hpp"
#include "kumo/scheduler/scheduler.hpp"
#include "scheduling_repo.hpp"

#include <algorithm>
#include <set>

namespace kumo {
namespace {

// The group, with its members, if the caller may see it. Errors: not_found (also for another project's
// group).
result<server_group> visible_group(sql::database& db, const placement& p, const principal& who, const std::string& id) {
    auto g = repo::find_server_group(db, id);
    if (!g || !who.can_see(g->project_id))
        return make_error(errc::not_found, "server group not found");
    g->members = p.members_of(db, g->id);
    return *g;
}

// A host belongs to at most one availability zone (as in Nova). Errors: conflict naming the host.
result<void> check_one_zone(sql::database& db, const std::string& aggregate_id, const std::string& zone,
                            const std::vector<std::string>& hosts) {
    if (zone.empty())
        return {};
    for (const auto& other : repo::all_aggregates(db)) {
        if (other.id == aggregate_id || other.availability_zone.empty() || other.availability_zone == zone)
            continue;
        for (const auto& h : hosts)
            if (std::find(other.hosts.begin(), other.hosts.end(), h) != other.hosts.end())
                return make_error(errc::conflict,
                                  "host " + h + " is already in availability zone " + other.availability_zone);
    }
    return {};
}

result<aggregate> find_aggregate_or_404(sql::database& db, const std::string& id) {
    auto a = repo::find_aggregate(db, id);
    if (!a)
        return make_error(errc::not_found, "aggregate not found");
    return *a;
}

}  // namespace

awaitable<result<server_group>> scheduling_service::create_group(const principal& who, std::string name,
                                                                 std::string policy) {
    if (who.scope != "project")
        co_return make_error(errc::forbidden, "server groups are created with a project-scoped token");
    server_group g;
    g.id = new_uuid();
    g.name = std::move(name);
    g.policy = std::move(policy);
    g.project_id = who.project_id;
    g.user_id = who.user_id;
    g.created_at = g.updated_at = to_rfc3339(system_clock().now());
    auto job = [g](sql::database& db) -> result<void> {
        repo::insert_server_group(db, g);
        return {};
    };
    KUMO_CO_TRY_VOID(co_await store_.write(std::move(job)));
    co_return g;
}

awaitable<result<server_group>> scheduling_service::get_group(const principal& who, std::string id) {
    auto job = [this, id, who](sql::database& db) { return visible_group(db, placement_, who, id); };
    auto found = co_await store_.read(std::move(job));
    co_return found;
}

awaitable<result<std::vector<server_group>>> scheduling_service::list_groups(const principal& who, repo::list_query q,
                                                                             bool all_projects) {
    q.project_id = who.is_admin() && all_projects ? "" : who.project_id;
    auto job = [this, q](sql::database& db) -> result<std::vector<server_group>> {
        auto groups = repo::list_server_groups(db, q);
        for (auto& g : groups)
            g.members = placement_.members_of(db, g.id);
        return groups;
    };
    auto found = co_await store_.read(std::move(job));
    co_return found;
}

awaitable<result<void>> scheduling_service::delete_group(const principal& who, std::string id) {
    auto job = [this, id, who](sql::database& db) -> result<void> {
        KUMO_TRY(auto g, visible_group(db, placement_, who, id));
        if (!g.members.empty())
            return make_error(errc::conflict, "the server group still has VMs; delete them first");
        repo::delete_server_group(db, id);
        return {};
    };
    auto done = co_await store_.write(std::move(job));
    co_return done;
}

awaitable<result<aggregate>> scheduling_service::create_aggregate(aggregate_fields f) {
    aggregate a;
    a.id = new_uuid();
    a.name = f.name.value_or("");
    a.availability_zone = f.zone.value_or("");
    a.metadata = f.metadata.value_or(std::map<std::string, std::string>{});
    a.created_at = a.updated_at = to_rfc3339(system_clock().now());
    auto job = [a](sql::database& db) -> result<void> {
        repo::insert_aggregate(db, a);
        return {};
    };
    KUMO_CO_TRY_VOID(co_await store_.write(std::move(job)));
    co_return a;
}

awaitable<result<aggregate>> scheduling_service::get_aggregate(std::string id) {
    auto job = [id](sql::database& db) { return find_aggregate_or_404(db, id); };
    auto found = co_await store_.read(std::move(job));
    co_return found;
}

awaitable<result<std::vector<aggregate>>> scheduling_service::list_aggregates(repo::list_query q) {
    auto job = [q](sql::database& db) -> result<std::vector<aggregate>> { return repo::list_aggregates(db, q); };
    auto found = co_await store_.read(std::move(job));
    co_return found;
}

awaitable<result<aggregate>> scheduling_service::update_aggregate(std::string id, aggregate_fields f) {
    auto job = [id, f](sql::database& db) -> result<aggregate> {
        KUMO_TRY(auto a, find_aggregate_or_404(db, id));
        a.name = f.name.value_or(a.name);
        a.availability_zone = f.zone.value_or(a.availability_zone);
        if (f.metadata)
            a.metadata = *f.metadata;
        KUMO_TRY_VOID(check_one_zone(db, a.id, a.availability_zone, a.hosts));
        a.updated_at = to_rfc3339(system_clock().now());
        repo::update_aggregate(db, a);
        return a;
    };
    auto saved = co_await store_.write(std::move(job));
    co_return saved;
}

awaitable<result<void>> scheduling_service::delete_aggregate(std::string id) {
    auto job = [id](sql::database& db) -> result<void> {
        if (!repo::delete_aggregate(db, id))
            return make_error(errc::not_found, "aggregate not found");
        return {};
    };
    auto done = co_await store_.write(std::move(job));
    co_return done;
}

awaitable<result<aggregate>> scheduling_service::change_host(std::string id, std::string host_id, bool add) {
    auto job = [id, host_id, add](sql::database& db) -> result<aggregate> {
        KUMO_TRY(auto a, find_aggregate_or_404(db, id));
        if (!repo::find_host(db, host_id))
            return make_error(errc::not_found, "host not found");
        if (add) {
            KUMO_TRY_VOID(check_one_zone(db, a.id, a.availability_zone, {host_id}));
            repo::add_aggregate_host(db, a.id, host_id);
        } else if (!repo::remove_aggregate_host(db, a.id, host_id)) {
            return make_error(errc::not_found, "the host is not in this aggregate");
        }
        return *repo::find_aggregate(db, a.id);
    };
    auto saved = co_await store_.write(std::move(job));
    co_return saved;
}

awaitable<result<aggregate>> scheduling_service::add_host(std::string id, std::string host_id) {
    auto changed = co_await change_host(std::move(id), std::move(host_id), true);
    co_return changed;
}

awaitable<result<aggregate>> scheduling_service::remove_host(std::string id, std::string host_id) {
    auto changed = co_await change_host(std::move(id), std::move(host_id), false);
    co_return changed;
}

awaitable<result<std::vector<std::string>>> scheduling_service::zones() {
    auto job = [](sql::database& db) -> result<std::vector<aggregate>> { return repo::all_aggregates(db); };
    KUMO_CO_TRY(const auto found, co_await store_.read(std::move(job)));
    std::set<std::string> zones{cfg_.default_availability_zone};
    for (const auto& a : found)
        if (!a.availability_zone.empty())
            zones.insert(a.availability_zone);
    co_return std::vector<std::string>(zones.begin(), zones.end());
}

}  // namespace kumo
