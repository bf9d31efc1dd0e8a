// Migration, maintenance mode and host removal: the host actions that move or release VMs.
#include "compute_routes.hpp"
#include "compute_views.hpp"
#include "kumo/host/host_views.hpp"
#include "kumo/http/body_fields.hpp"

namespace kumo::api {
namespace {

awaitable<result<response>> migrate_vm(compute_api& x, request_ctx& q) {
    KUMO_CO_TRY(const json body, json_body(q));
    body_fields f(body);
    migrate_request req;
    req.host_id = f.text("host_id", false, 64);
    if (f.present("live"))
        req.live = f.boolean("live", true);
    req.max_downtime_ms = f.integer("max_downtime_ms", false, 1, 60000, 0);
    req.bandwidth_mib_s = f.integer("bandwidth_mib_s", false, 1, 1 << 20, 0);
    KUMO_CO_TRY_VOID(f.done());
    KUMO_CO_TRY(const vm_with_operation started, co_await x.moves.migrate(*q.who, q.params["id"], std::move(req)));
    co_return accepted(operation_view(started.op), "vm", vm_view(started.v));
}

awaitable<result<response>> remove_host(compute_api& x, request_ctx& q) {
    KUMO_CO_TRY(const bool force, query_flag(q, "force"));
    KUMO_CO_TRY_VOID(co_await x.moves.remove_host(q.params["id"], force));
    co_return no_content();
}

awaitable<result<response>> enter_maintenance(compute_api& x, request_ctx& q) {
    KUMO_CO_TRY(const operation op, co_await x.moves.enter_maintenance(*q.who, q.params["id"]));
    auto h = x.registry.find(q.params["id"]);
    json host = h ? host_view(*h, {}) : json::object();
    host["maintenance"] = true;
    co_return accepted(operation_view(op), "host", host);
}

awaitable<result<response>> end_maintenance(compute_api& x, request_ctx& q) {
    KUMO_CO_TRY_VOID(co_await x.moves.end_maintenance(q.params["id"]));
    KUMO_CO_TRY(json view, co_await x.hosts.current(q.params["id"]));
    co_return ok(std::move(view));
}

}  // namespace

void add_mobility_routes(router& r, compute_api& x) {
    r.add(http::verb::delete_, "/api/v1/hosts/{id}", "host:delete", with(x, remove_host));
    r.add(http::verb::post, "/api/v1/hosts/{id}/actions/maintenance", "host:maintenance", with(x, enter_maintenance));
    r.add(http::verb::post, "/api/v1/hosts/{id}/actions/activate", "host:maintenance", with(x, end_maintenance));
    r.add(http::verb::post, "/api/v1/vms/{id}/actions/migrate", "vm:migrate", with(x, migrate_vm));
}

}  // namespace kumo::api
