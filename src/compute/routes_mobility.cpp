// SSH trust, the pool's CPU baseline, migration, maintenance mode and host removal.
#include "compute_views.hpp"
#include "kumo/host/host_repo.hpp"
#include "kumo/host/host_views.hpp"
#include "kumo/http/router.hpp"
#include "kumo/operations/operations.hpp"

#include <algorithm>

namespace kumo::api {
namespace {

json baseline_view(request_ctx& q) {
    const auto& b = q.ctx.hosts.baseline();
    json hosts = json::array();
    for (const auto& h : q.ctx.hosts.hosts())
        hosts.push_back(
            json{{"id", h.id},
                 {"name", h.name},
                 {"virt_type", h.virt_type},
                 {"cpu_model", h.inventory.cpu_model},
                 {"cpu_features", h.inventory.cpu_features},
                 {"in_baseline", std::find(b.host_ids.begin(), b.host_ids.end(), h.id) != b.host_ids.end()}});
    return json{{"mode", q.ctx.cfg.cpu_mode},
                {"model", b.model.empty() ? json(nullptr) : json(b.model)},
                {"features", b.features},
                {"xml", b.xml.empty() ? json(nullptr) : json(b.xml)},
                {"hosts", std::move(hosts)}};
}

awaitable<response> migrate_vm(request_ctx& q) {
    auto body = json_body(q);
    if (!body)
        co_return problem(body.error(), q.request_id);
    body_fields f(*body);
    migrate_request req;
    req.host_id = f.text("host_id", false, 64);
    if (f.present("live"))
        req.live = f.boolean("live", true);
    req.max_downtime_ms = f.integer("max_downtime_ms", false, 1, 60000, 0);
    req.bandwidth_mib_s = f.integer("bandwidth_mib_s", false, 1, 1 << 20, 0);
    if (auto v = f.done(); !v)
        co_return problem(v.error(), q.request_id);
    auto started = co_await q.ctx.moves.migrate(*q.who, q.params["id"], std::move(req));
    if (!started)
        co_return problem(started.error(), q.request_id);
    co_return accepted(operation_view(started->op), "vm", vm_view(started->v));
}

awaitable<response> host_answer(request_ctx& q, const std::string& id) {
    auto h = q.ctx.hosts.find(id);
    if (!h)
        co_return problem(make_error(errc::not_found, "host not found"), q.request_id);
    auto job = [id](sql::database& db) -> result<std::optional<host>> { return repo::find_host(db, id); };
    auto stored = co_await q.ctx.db.read(std::move(job));
    if (stored && *stored) {  // the administrator's settings live in the database
        h->enabled = (*stored)->enabled;
        h->maintenance = (*stored)->maintenance;
    }
    co_return ok(host_view(*h, q.ctx.hosts.unknown_domains(id)));
}

}  // namespace

void add_mobility_routes(router& r) {
    // Before /hosts/{id}: these literal paths would otherwise read as host ids.
    r.add(http::verb::get, "/api/v1/hosts/ssh-key", "host:read", [](request_ctx& q) -> awaitable<response> {
        const std::string key = q.ctx.hosts.trust().public_key();
        co_return ok(json{{"public_key", key},
                          {"authorized_keys_line", key},
                          {"hint", "append public_key to ~/.ssh/authorized_keys of the SSH user on each host"}});
    });
    r.add(http::verb::get, "/api/v1/hosts/cpu-baseline", "host:read",
          [](request_ctx& q) -> awaitable<response> { co_return ok(baseline_view(q)); });
    r.add(http::verb::delete_, "/api/v1/hosts/{id}", "host:delete", [](request_ctx& q) -> awaitable<response> {
        const std::string& force = q.query["force"];
        if (!force.empty() && force != "true" && force != "false")
            co_return problem(validation_error("force", "must be true or false"), q.request_id);
        auto removed = co_await q.ctx.moves.remove_host(q.params["id"], force == "true");
        co_return no_content(q, removed);
    });
    r.add(http::verb::post, "/api/v1/hosts/{id}/actions/maintenance", "host:maintenance",
          [](request_ctx& q) -> awaitable<response> {
              auto op = co_await q.ctx.moves.enter_maintenance(*q.who, q.params["id"]);
              if (!op)
                  co_return problem(op.error(), q.request_id);
              auto h = q.ctx.hosts.find(q.params["id"]);
              json view = h ? host_view(*h, {}) : json::object();
              view["maintenance"] = true;
              co_return accepted(operation_view(*op), "host", view);
          });
    r.add(http::verb::post, "/api/v1/hosts/{id}/actions/activate", "host:maintenance",
          [](request_ctx& q) -> awaitable<response> {
              auto done = co_await q.ctx.moves.end_maintenance(q.params["id"]);
              if (!done)
                  co_return problem(done.error(), q.request_id);
              auto answered = co_await host_answer(q, q.params["id"]);
              co_return answered;
          });
    r.add(http::verb::post, "/api/v1/hosts/{id}/actions/trust-host-key", "host:update",
          [](request_ctx& q) -> awaitable<response> {
              auto body = json_body(q);
              if (!body)
                  co_return problem(body.error(), q.request_id);
              body_fields f(*body);
              std::string fingerprint = f.text("fingerprint", true, 128);
              if (auto v = f.done(); !v)
                  co_return problem(v.error(), q.request_id);
              auto trusted = co_await q.ctx.hosts.trust_host_key(q.params["id"], std::move(fingerprint));
              if (!trusted)
                  co_return problem(trusted.error(), q.request_id);
              auto answered = co_await host_answer(q, q.params["id"]);
              co_return answered;
          });
    r.add(http::verb::post, "/api/v1/vms/{id}/actions/migrate", "vm:migrate", migrate_vm);
}

}  // namespace kumo::api
