#include "kumo/core/version.hpp"
#include "kumo/http/router.hpp"

#include <fstream>

namespace kumo::api {

void add_system_routes(router& r) {
    r.add(http::verb::get, "/api/v1/health", "system:read", [](request_ctx& q) -> awaitable<response> {
        int up = 0, total = 0;
        for (const auto& h : q.ctx.hosts.hosts()) {
            ++total;
            up += q.ctx.hosts.is_up(h.id) ? 1 : 0;
        }
        co_return ok(json{{"status", "ok"}, {"hosts_up", up}, {"hosts_total", total}});
    });
    r.add(http::verb::get, "/api/v1/version", "system:read", [](request_ctx&) -> awaitable<response> {
        co_return ok(json{{"name", "kumo"}, {"version", kumo_version}, {"api", "v1"}});
    });
    r.add(http::verb::get, "/api/v1/openapi.json", "system:read", [](request_ctx& q) -> awaitable<response> {
        std::ifstream in(q.ctx.web_dir + "/openapi.json");
        json doc = json::parse(in, nullptr, false);
        if (doc.is_discarded())
            co_return problem(make_error(errc::not_found, "openapi.json is not installed"), q.request_id);
        co_return ok(std::move(doc));
    });
}

}  // namespace kumo::api
