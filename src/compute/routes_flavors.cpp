// /flavors.
#include "compute_routes.hpp"
#include "compute_views.hpp"
#include "kumo/http/body_fields.hpp"

namespace kumo::api {
namespace {

awaitable<result<response>> create_flavor(compute_api& x, request_ctx& q) {
    KUMO_CO_TRY(const json body, json_body(q));
    body_fields f(body);
    flavor fl;
    fl.name = f.name("name", true);
    fl.vcpus = static_cast<int>(f.integer("vcpus", true, 1, 256, 1));
    fl.ram_mb = static_cast<int>(f.integer("ram_mb", true, 16, 4 * 1024 * 1024, 512));
    fl.disk_gb = static_cast<int>(f.integer("disk_gb", false, 0, 65536, 0));
    fl.ephemeral_gb = static_cast<int>(f.integer("ephemeral_gb", false, 0, 65536, 0));
    fl.extra_specs = f.string_map("extra_specs");
    KUMO_CO_TRY_VOID(f.done());
    KUMO_CO_TRY(const flavor made, co_await x.flavors.create(std::move(fl)));
    response resp = ok(flavor_view(made), http::status::created);
    resp.headers.emplace_back("Location", "/api/v1/flavors/" + made.id);
    co_return resp;
}

awaitable<result<response>> list_flavors(compute_api& x, request_ctx& q) {
    KUMO_CO_TRY(const int limit, parse_limit(q));
    repo::list_query lq{limit, q.query["marker"], q.query["name"], "", "", ""};
    KUMO_CO_TRY(const auto found, co_await x.flavors.list(std::move(lq)));
    co_return page_of(found, flavor_view, limit);
}

awaitable<result<response>> get_flavor(compute_api& x, request_ctx& q) {
    KUMO_CO_TRY(const flavor found, co_await x.flavors.get(q.params["id"]));
    co_return ok(flavor_view(found));
}

awaitable<result<response>> delete_flavor(compute_api& x, request_ctx& q) {
    KUMO_CO_TRY_VOID(co_await x.flavors.remove(q.params["id"]));
    co_return no_content();
}

}  // namespace

void add_flavor_routes(router& r, compute_api& x) {
    r.add(http::verb::post, "/api/v1/flavors", "flavor:create", with(x, create_flavor));
    r.add(http::verb::get, "/api/v1/flavors", "flavor:read", with(x, list_flavors));
    r.add(http::verb::get, "/api/v1/flavors/{id}", "flavor:read", with(x, get_flavor));
    r.add(http::verb::delete_, "/api/v1/flavors/{id}", "flavor:delete", with(x, delete_flavor));
}

}  // namespace kumo::api
