// SSH key pairs: each user's own; a VM created with `key_name` gets a copy of the public key.
#include "compute_routes.hpp"
#include "compute_views.hpp"
#include "kumo/http/body_fields.hpp"
#include "kumo/ssh/ssh.hpp"

namespace kumo::api {
namespace {

awaitable<result<response>> create_keypair(compute_api& x, request_ctx& q) {
    KUMO_CO_TRY(const json body, json_body(q));
    body_fields f(body);
    std::string name = f.name("name", true);
    std::string line = f.text("public_key", true, 16384);
    auto parsed = parse_public_key(line, "public_key");
    if (!line.empty() && !parsed)
        f.reject("public_key",
                 parsed.error().fields.empty() ? parsed.error().detail : parsed.error().fields[0].message);
    KUMO_CO_TRY_VOID(f.done());
    KUMO_CO_TRY(const keypair k, co_await x.keypairs.create(*q.who, std::move(name), std::move(line)));
    q.audit_target = "keypair=" + k.name;
    response resp = ok(keypair_view(k), http::status::created);
    resp.headers.emplace_back("Location", "/api/v1/keypairs/" + k.name);
    co_return resp;
}

awaitable<result<response>> list_keypairs(compute_api& x, request_ctx& q) {
    KUMO_CO_TRY(const auto found, co_await x.keypairs.list(*q.who));
    co_return all_of(found, keypair_view);
}

awaitable<result<response>> get_keypair(compute_api& x, request_ctx& q) {
    KUMO_CO_TRY(const keypair found, co_await x.keypairs.get(*q.who, q.params["name"]));
    co_return ok(keypair_view(found));
}

awaitable<result<response>> delete_keypair(compute_api& x, request_ctx& q) {
    KUMO_CO_TRY_VOID(co_await x.keypairs.remove(*q.who, q.params["name"]));
    co_return no_content();
}

}  // namespace

void add_keypair_routes(router& r, compute_api& x) {
    r.add(http::verb::post, "/api/v1/keypairs", "keypair:create", with(x, create_keypair));
    r.add(http::verb::get, "/api/v1/keypairs", "keypair:read", with(x, list_keypairs));
    r.add(http::verb::get, "/api/v1/keypairs/{name}", "keypair:read", with(x, get_keypair));
    r.add(http::verb::delete_, "/api/v1/keypairs/{name}", "keypair:delete", with(x, delete_keypair));
}

}  // namespace kumo::api
