// The daemon's own routes: health, version and the OpenAPI document.
#include "kumo/core/version.hpp"
#include "kumo/identity/policy.hpp"
#include "system_routes.hpp"

#include <fstream>

namespace kumo::api {
namespace {

awaitable<result<response>> health(system_api& x, request_ctx&) {
    int up = 0, total = 0;
    for (const auto& h : x.hosts.hosts()) {
        ++total;
        up += x.hosts.is_up(h.id) ? 1 : 0;
    }
    co_return ok(json{{"status", "ok"}, {"hosts_up", up}, {"hosts_total", total}});
}

awaitable<result<response>> version(system_api&, request_ctx&) {
    co_return ok(json{{"name", "kumo"}, {"version", kumo_version}, {"api", "v1"}});
}

awaitable<result<response>> openapi(system_api& x, request_ctx&) {
    std::ifstream in(x.web_dir + "/openapi.json");
    json doc = json::parse(in, nullptr, false);
    if (doc.is_discarded())
        co_return make_error(errc::not_found, "openapi.json is not installed");
    co_return ok(std::move(doc));
}

}  // namespace

std::span<const permission_rule> system_permissions() {
    static const std::vector<permission_rule> rows = {
        public_rule("system:read", "health, version and the OpenAPI document"),
    };
    return rows;
}

void add_system_routes(router& r, system_api& x) {
    r.add(http::verb::get, "/api/v1/health", "system:read", with(x, health));
    r.add(http::verb::get, "/api/v1/version", "system:read", with(x, version));
    r.add(http::verb::get, "/api/v1/openapi.json", "system:read", with(x, openapi));
}

}  // namespace kumo::api
