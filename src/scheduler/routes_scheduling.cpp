// Server groups (project resources), aggregates and availability zones (cloud admin).
#include "kumo/http/body_fields.hpp"
#include "kumo/scheduler/scheduler.hpp"
#include "kumo/scheduler/scheduler_views.hpp"
#include "scheduler_routes.hpp"

namespace kumo::api {
namespace {

const char* const groups_path = "/api/v1/server-groups";
const char* const aggregates_path = "/api/v1/aggregates";

awaitable<result<response>> create_server_group(scheduling_service& s, request_ctx& q) {
    KUMO_CO_TRY(const json body, json_body(q));
    body_fields f(body);
    std::string name = f.name("name", true);
    std::string policy = f.text("policy", true, 32);
    if (f.present("policy") && !policy.empty() && !parse_group_policy(policy))
        co_return validation_error("policy", "must be affinity, anti-affinity, soft-affinity or soft-anti-affinity");
    KUMO_CO_TRY_VOID(f.done());
    KUMO_CO_TRY(const server_group g, co_await s.create_group(*q.who, std::move(name), std::move(policy)));
    co_return created(q, server_group_view(g), groups_path);
}

awaitable<result<response>> list_server_groups(scheduling_service& s, request_ctx& q) {
    KUMO_CO_TRY(const int limit, parse_limit(q));
    repo::list_query lq{limit, q.query["marker"], q.query["name"], "", "", ""};
    KUMO_CO_TRY(const auto found, co_await s.list_groups(*q.who, std::move(lq), q.query["all_projects"] == "true"));
    co_return page_of(found, server_group_view, limit);
}

awaitable<result<response>> get_server_group(scheduling_service& s, request_ctx& q) {
    KUMO_CO_TRY(const server_group g, co_await s.get_group(*q.who, q.params["id"]));
    co_return ok(server_group_view(g));
}

awaitable<result<response>> delete_server_group(scheduling_service& s, request_ctx& q) {
    KUMO_CO_TRY_VOID(co_await s.delete_group(*q.who, q.params["id"]));
    co_return no_content();
}

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

awaitable<result<response>> create_aggregate(scheduling_service& s, request_ctx& q) {
    KUMO_CO_TRY(const json body, json_body(q));
    KUMO_CO_TRY(auto fields, read_aggregate_fields(body, true));
    KUMO_CO_TRY(const aggregate a, co_await s.create_aggregate(std::move(fields)));
    co_return created(q, aggregate_view(a), aggregates_path);
}

awaitable<result<response>> list_aggregates(scheduling_service& s, request_ctx& q) {
    KUMO_CO_TRY(const int limit, parse_limit(q));
    repo::list_query lq{limit, q.query["marker"], q.query["name"], "", "", ""};
    KUMO_CO_TRY(const auto found, co_await s.list_aggregates(std::move(lq)));
    co_return page_of(found, aggregate_view, limit);
}

awaitable<result<response>> get_aggregate(scheduling_service& s, request_ctx& q) {
    KUMO_CO_TRY(const aggregate a, co_await s.get_aggregate(q.params["id"]));
    co_return ok(aggregate_view(a));
}

awaitable<result<response>> update_aggregate(scheduling_service& s, request_ctx& q) {
    KUMO_CO_TRY(const json body, json_body(q));
    KUMO_CO_TRY(auto fields, read_aggregate_fields(body, false));
    KUMO_CO_TRY(const aggregate a, co_await s.update_aggregate(q.params["id"], std::move(fields)));
    co_return ok(aggregate_view(a));
}

awaitable<result<response>> delete_aggregate(scheduling_service& s, request_ctx& q) {
    KUMO_CO_TRY_VOID(co_await s.delete_aggregate(q.params["id"]));
    co_return no_content();
}

awaitable<result<response>> add_aggregate_host(scheduling_service& s, request_ctx& q) {
    KUMO_CO_TRY(const aggregate a, co_await s.add_host(q.params["id"], q.params["host_id"]));
    co_return ok(aggregate_view(a));
}

awaitable<result<response>> remove_aggregate_host(scheduling_service& s, request_ctx& q) {
    KUMO_CO_TRY(const aggregate a, co_await s.remove_host(q.params["id"], q.params["host_id"]));
    co_return ok(aggregate_view(a));
}

awaitable<result<response>> list_zones(scheduling_service& s, request_ctx&) {
    KUMO_CO_TRY(const auto zones, co_await s.zones());
    json items = json::array();
    for (const auto& z : zones)
        items.push_back(json{{"name", z}});
    co_return ok(json{{"items", std::move(items)}});
}

}  // namespace

void add_scheduling_routes(router& r, scheduling_service& s) {
    r.add(http::verb::post, groups_path, "server_group:create", with(s, create_server_group));
    r.add(http::verb::get, groups_path, "server_group:read", with(s, list_server_groups));
    r.add(http::verb::get, "/api/v1/server-groups/{id}", "server_group:read", with(s, get_server_group));
    r.add(http::verb::delete_, "/api/v1/server-groups/{id}", "server_group:delete", with(s, delete_server_group));

    r.add(http::verb::post, aggregates_path, "aggregate:create", with(s, create_aggregate));
    r.add(http::verb::get, aggregates_path, "aggregate:read", with(s, list_aggregates));
    r.add(http::verb::get, "/api/v1/aggregates/{id}", "aggregate:read", with(s, get_aggregate));
    r.add(http::verb::patch, "/api/v1/aggregates/{id}", "aggregate:update", with(s, update_aggregate));
    r.add(http::verb::delete_, "/api/v1/aggregates/{id}", "aggregate:delete", with(s, delete_aggregate));
    r.add(http::verb::put, "/api/v1/aggregates/{id}/hosts/{host_id}", "aggregate:update", with(s, add_aggregate_host));
    r.add(http::verb::delete_, "/api/v1/aggregates/{id}/hosts/{host_id}", "aggregate:update",
          with(s, remove_aggregate_host));
    r.add(http::verb::get, "/api/v1/availability-zones", "availability_zone:read", with(s, list_zones));
}

}  // namespace kumo::api
