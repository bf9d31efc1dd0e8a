// Server groups (project resources), aggregates and availability zones (cloud admin), and the
// scheduler's explain call.
#include "identity_views.hpp"
#include "kumo/core/clock.hpp"
#include "kumo/core/ids.hpp"
#include "kumo/host/host_repo.hpp"
#include "kumo/http/router.hpp"
#include "kumo/scheduler/scheduler_views.hpp"
#include "kumo/store/list_query.hpp"
#include "scheduling_repo.hpp"

namespace kumo::api {
namespace {

const char* const groups_path = "/api/v1/server-groups";
const char* const aggregates_path = "/api/v1/aggregates";

awaitable<response> create_server_group(request_ctx& q) {
    auto body = json_body(q);
    if (!body)
        co_return problem(body.error(), q.request_id);
    body_fields f(*body);
    server_group g;
    g.name = f.name("name", true);
    g.policy = f.text("policy", true, 32);
    if (f.present("policy") && !g.policy.empty() && !parse_group_policy(g.policy))
        co_return problem(
            validation_error("policy", "must be affinity, anti-affinity, soft-affinity or soft-anti-affinity"),
            q.request_id);
    if (auto v = f.done(); !v)
        co_return problem(v.error(), q.request_id);
    if (q.who->scope != "project")
        co_return problem(make_error(errc::forbidden, "server groups are created with a project-scoped token"),
                          q.request_id);
    g.id = new_uuid();
    g.project_id = q.who->project_id;
    g.user_id = q.who->user_id;
    g.created_at = g.updated_at = to_rfc3339(system_clock().now());
    auto job = [g](sql::database& db) -> result<void> {
        repo::insert_server_group(db, g);
        return {};
    };
    auto saved = co_await q.ctx.db.write(std::move(job));
    if (!saved)
        co_return problem(saved.error(), q.request_id);
    co_return created(q, server_group_view(g), groups_path);
}

// The group if the caller may see it. Errors: not_found (also for another project's group).
result<server_group> visible_group(sql::database& db, const principal& who, const std::string& id) {
    auto g = repo::find_server_group(db, id);
    if (!g || !who.can_see(g->project_id))
        return make_error(errc::not_found, "server group not found");
    return *g;
}

awaitable<response> delete_server_group(request_ctx& q) {
    auto job = [id = q.params["id"], who = *q.who](sql::database& db) -> result<void> {
        KUMO_TRY(auto g, visible_group(db, who, id));
        if (!g.members.empty())
            return make_error(errc::conflict, "the server group still has VMs; delete them first");
        repo::delete_server_group(db, id);
        return {};
    };
    auto done = co_await q.ctx.db.write(std::move(job));
    co_return no_content(q, done);
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

// Body fields shared by create and update. `zone` is "" to leave it out of a zone.
struct aggregate_fields {
    std::optional<std::string> name, zone;
    std::optional<std::map<std::string, std::string>> metadata;
};

result<aggregate_fields> read_aggregate_fields(const json& body, bool create) {
    body_fields f(body);
    aggregate_fields out;
    if (create || f.present("name"))
        out.name = f.name("name", create);
    if (f.present("availability_zone"))
        out.zone = f.name("availability_zone", false);
    else if (body.contains("availability_zone"))
        out.zone = std::string();  // null: no longer a zone
    if (f.present("metadata"))
        out.metadata = f.string_map("metadata");
    KUMO_TRY_VOID(f.done());
    return out;
}

awaitable<response> create_aggregate(request_ctx& q) {
    auto body = json_body(q);
    if (!body)
        co_return problem(body.error(), q.request_id);
    auto fields = read_aggregate_fields(*body, true);
    if (!fields)
        co_return problem(fields.error(), q.request_id);
    aggregate a;
    a.id = new_uuid();
    a.name = *fields->name;
    a.availability_zone = fields->zone.value_or("");
    a.metadata = fields->metadata.value_or(std::map<std::string, std::string>{});
    a.created_at = a.updated_at = to_rfc3339(system_clock().now());
    auto job = [a](sql::database& db) -> result<void> {
        repo::insert_aggregate(db, a);
        return {};
    };
    auto saved = co_await q.ctx.db.write(std::move(job));
    if (!saved)
        co_return problem(saved.error(), q.request_id);
    co_return created(q, aggregate_view(a), aggregates_path);
}

awaitable<response> update_aggregate(request_ctx& q) {
    auto body = json_body(q);
    if (!body)
        co_return problem(body.error(), q.request_id);
    auto fields = read_aggregate_fields(*body, false);
    if (!fields)
        co_return problem(fields.error(), q.request_id);
    auto job = [id = q.params["id"], in = *fields](sql::database& db) -> result<aggregate> {
        KUMO_TRY(auto a, find_aggregate_or_404(db, id));
        a.name = in.name.value_or(a.name);
        a.availability_zone = in.zone.value_or(a.availability_zone);
        if (in.metadata)
            a.metadata = *in.metadata;
        KUMO_TRY_VOID(check_one_zone(db, a.id, a.availability_zone, a.hosts));
        a.updated_at = to_rfc3339(system_clock().now());
        repo::update_aggregate(db, a);
        return a;
    };
    auto saved = co_await q.ctx.db.write(std::move(job));
    co_return answer(q, saved, aggregate_view);
}

awaitable<response> change_aggregate_host(request_ctx& q, bool add) {
    auto job = [id = q.params["id"], host_id = q.params["host_id"], add](sql::database& db) -> result<aggregate> {
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
    auto saved = co_await q.ctx.db.write(std::move(job));
    co_return answer(q, saved, aggregate_view);
}

awaitable<response> explain(request_ctx& q) {
    auto body = json_body(q);
    if (!body)
        co_return problem(body.error(), q.request_id);
    body_fields f(*body);
    create_vm_request req;
    req.flavor_id = f.text("flavor_id", true, 64);
    req.host_id = f.text("host_id", false, 64);
    req.availability_zone = f.text("availability_zone", false, 255);
    req.server_group_id = f.text("server_group_id", false, 64);
    (void)f.name("name", false);  // accepted so a create body can be explained as it is
    if (auto v = f.done(); !v)
        co_return problem(v.error(), q.request_id);
    auto decided = co_await q.ctx.vms.explain(*q.who, std::move(req));
    if (!decided)
        co_return problem(decided.error(), q.request_id);
    // Host names and capacities are the operator's business: others get the summary only.
    co_return ok(decision_view(*decided, q.who->is_admin()));
}

}  // namespace

void add_scheduling_routes(router& r) {
    r.add(http::verb::post, groups_path, "server_group:create", create_server_group);
    r.add(http::verb::get, groups_path, "server_group:read", [](request_ctx& q) -> awaitable<response> {
        auto limit = parse_limit(q);
        if (!limit)
            co_return problem(limit.error(), q.request_id);
        repo::list_query lq{*limit, q.query["marker"], q.query["name"], "", "", q.who->project_id};
        if (q.who->is_admin() && q.query["all_projects"] == "true")
            lq.project_id.clear();
        auto job = [lq](sql::database& db) -> result<std::vector<server_group>> {
            return repo::list_server_groups(db, lq);
        };
        auto found = co_await q.ctx.db.read(std::move(job));
        co_return answer_page(q, found, server_group_view, *limit);
    });
    r.add(http::verb::get, "/api/v1/server-groups/{id}", "server_group:read",
          [](request_ctx& q) -> awaitable<response> {
              auto job = [id = q.params["id"], who = *q.who](sql::database& db) { return visible_group(db, who, id); };
              auto found = co_await q.ctx.db.read(std::move(job));
              co_return answer(q, found, server_group_view);
          });
    r.add(http::verb::delete_, "/api/v1/server-groups/{id}", "server_group:delete", delete_server_group);

    r.add(http::verb::post, aggregates_path, "aggregate:create", create_aggregate);
    r.add(http::verb::get, aggregates_path, "aggregate:read", [](request_ctx& q) -> awaitable<response> {
        auto limit = parse_limit(q);
        if (!limit)
            co_return problem(limit.error(), q.request_id);
        repo::list_query lq{*limit, q.query["marker"], q.query["name"], "", "", ""};
        auto job = [lq](sql::database& db) -> result<std::vector<aggregate>> { return repo::list_aggregates(db, lq); };
        auto found = co_await q.ctx.db.read(std::move(job));
        co_return answer_page(q, found, aggregate_view, *limit);
    });
    r.add(http::verb::get, "/api/v1/aggregates/{id}", "aggregate:read", [](request_ctx& q) -> awaitable<response> {
        auto job = [id = q.params["id"]](sql::database& db) { return find_aggregate_or_404(db, id); };
        auto found = co_await q.ctx.db.read(std::move(job));
        co_return answer(q, found, aggregate_view);
    });
    r.add(http::verb::patch, "/api/v1/aggregates/{id}", "aggregate:update", update_aggregate);
    r.add(http::verb::delete_, "/api/v1/aggregates/{id}", "aggregate:delete",
          [](request_ctx& q) -> awaitable<response> {
              auto job = [id = q.params["id"]](sql::database& db) -> result<void> {
                  if (!repo::delete_aggregate(db, id))
                      return make_error(errc::not_found, "aggregate not found");
                  return {};
              };
              auto done = co_await q.ctx.db.write(std::move(job));
              co_return no_content(q, done);
          });
    r.add(http::verb::put, "/api/v1/aggregates/{id}/hosts/{host_id}", "aggregate:update",
          [](request_ctx& q) { return change_aggregate_host(q, true); });
    r.add(http::verb::delete_, "/api/v1/aggregates/{id}/hosts/{host_id}", "aggregate:update",
          [](request_ctx& q) { return change_aggregate_host(q, false); });
    r.add(http::verb::get, "/api/v1/availability-zones", "availability_zone:read",
          [](request_ctx& q) -> awaitable<response> {
              auto job = [](sql::database& db) -> result<std::vector<aggregate>> { return repo::all_aggregates(db); };
              auto found = co_await q.ctx.db.read(std::move(job));
              if (!found)
                  co_return problem(found.error(), q.request_id);
              std::set<std::string> zones{q.ctx.cfg.default_availability_zone};
              for (const auto& a : *found)
                  if (!a.availability_zone.empty())
                      zones.insert(a.availability_zone);
              json items = json::array();
              for (const auto& z : zones)
                  items.push_back(json{{"name", z}});
              co_return ok(json{{"items", std::move(items)}});
          });
    r.add(http::verb::post, "/api/v1/scheduler/explain", "scheduler:explain", explain);
}

}  // namespace kumo::api
