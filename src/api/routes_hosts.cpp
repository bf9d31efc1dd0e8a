#include "kumo/services/views.hpp"
#include "kumo/store/repos.hpp"
#include "router.hpp"

namespace kumo::api {

void add_host_routes(router& r) {
    r.add(http::verb::post, "/api/v1/hosts", "host:create", [](request_ctx& q) -> awaitable<response> {
        auto body = json_body(q);
        if (!body)
            co_return problem(body.error(), q.request_id);
        body_fields f(*body);
        std::string name = f.name("name", true);
        std::string uri = f.text("uri", true, 1024);
        if (auto v = f.done(); !v)
            co_return problem(v.error(), q.request_id);
        auto added = co_await q.ctx.hosts.add(std::move(name), std::move(uri));
        if (!added)
            co_return problem(added.error(), q.request_id);
        response resp = ok(host_view(*added, {}), http::status::created);
        resp.headers.emplace_back("Location", "/api/v1/hosts/" + added->id);
        co_return resp;
    });
    r.add(http::verb::get, "/api/v1/hosts", "host:read", [](request_ctx& q) -> awaitable<response> {
        auto limit = parse_limit(q);
        if (!limit)
            co_return problem(limit.error(), q.request_id);
        repo::list_query lq{*limit, q.query["marker"], q.query["name"], q.query["status"], "", ""};
        auto job = [lq](sql::database& db) -> result<std::vector<host>> { return repo::list_hosts(db, lq); };
        auto hosts = co_await q.ctx.db.read(std::move(job));
        if (!hosts)
            co_return problem(hosts.error(), q.request_id);
        json items = json::array();
        for (const auto& h : *hosts)
            items.push_back(host_view(h, q.ctx.hosts.unknown_domains(h.id)));
        co_return page(std::move(items), *limit);
    });
    r.add(http::verb::get, "/api/v1/hosts/{id}", "host:read", [](request_ctx& q) -> awaitable<response> {
        auto job = [id = q.params["id"]](sql::database& db) -> result<std::optional<host>> {
            return repo::find_host(db, id);
        };
        auto found = co_await q.ctx.db.read(std::move(job));
        if (!found)
            co_return problem(found.error(), q.request_id);
        if (!*found)
            co_return problem(make_error(errc::not_found, "host not found"), q.request_id);
        co_return ok(host_view(**found, q.ctx.hosts.unknown_domains((*found)->id)));
    });
}

}  // namespace kumo::api
