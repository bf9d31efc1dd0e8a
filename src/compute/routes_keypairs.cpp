// SSH key pairs: each user's own; a VM created with `key_name` gets a copy of the public key.
#include "kumo/core/clock.hpp"
#include "kumo/core/ids.hpp"
#include "kumo/http/router.hpp"
#include "kumo/ssh/ssh.hpp"
#include "vm_repo.hpp"

namespace kumo::api {
namespace {

json keypair_view(const keypair& k) {
    return json{{"name", k.name},
                {"type", k.public_key.substr(0, k.public_key.find(' '))},
                {"public_key", k.public_key},
                {"fingerprint", k.fingerprint},
                {"created_at", k.created_at}};
}

awaitable<response> create_keypair(request_ctx& q) {
    auto body = json_body(q);
    if (!body)
        co_return problem(body.error(), q.request_id);
    body_fields f(*body);
    keypair k;
    k.name = f.name("name", true);
    const std::string line = f.text("public_key", true, 16384);
    auto parsed = parse_public_key(line, "public_key");
    if (!line.empty() && !parsed)
        f.reject("public_key",
                 parsed.error().fields.empty() ? parsed.error().detail : parsed.error().fields[0].message);
    if (auto v = f.done(); !v)
        co_return problem(v.error(), q.request_id);
    k.id = new_uuid();
    k.user_id = q.who->user_id;
    k.public_key = parsed->type + " " + parsed->base64;
    k.fingerprint = fingerprint_of(*parsed);
    k.created_at = to_rfc3339(system_clock().now());
    auto job = [k](sql::database& db) -> result<void> {
        if (repo::find_keypair(db, k.user_id, k.name))
            return make_error(errc::conflict, "you already have a key pair named " + k.name);
        repo::insert_keypair(db, k);
        return {};
    };
    if (auto saved = co_await q.ctx.db.write(std::move(job)); !saved)
        co_return problem(saved.error(), q.request_id);
    q.audit_target = "keypair=" + k.name;
    response resp = ok(keypair_view(k), http::status::created);
    resp.headers.emplace_back("Location", "/api/v1/keypairs/" + k.name);
    co_return resp;
}

}  // namespace

void add_keypair_routes(router& r) {
    r.add(http::verb::post, "/api/v1/keypairs", "keypair:create", create_keypair);
    r.add(http::verb::get, "/api/v1/keypairs", "keypair:read", [](request_ctx& q) -> awaitable<response> {
        auto job = [user = q.who->user_id](sql::database& db) -> result<std::vector<keypair>> {
            return repo::list_keypairs(db, user);
        };
        auto found = co_await q.ctx.db.read(std::move(job));
        co_return answer_page(q, found, keypair_view, 1000000);
    });
    r.add(http::verb::get, "/api/v1/keypairs/{name}", "keypair:read", [](request_ctx& q) -> awaitable<response> {
        auto job = [user = q.who->user_id, name = q.params["name"]](sql::database& db) -> result<keypair> {
            auto k = repo::find_keypair(db, user, name);
            if (!k)
                return make_error(errc::not_found, "key pair not found");
            return *k;
        };
        auto found = co_await q.ctx.db.read(std::move(job));
        co_return answer(q, found, keypair_view);
    });
    r.add(http::verb::delete_, "/api/v1/keypairs/{name}", "keypair:delete", [](request_ctx& q) -> awaitable<response> {
        auto job = [user = q.who->user_id, name = q.params["name"]](sql::database& db) -> result<void> {
            if (!repo::delete_keypair(db, user, name))
                return make_error(errc::not_found, "key pair not found");
            return {};
        };
        auto done = co_await q.ctx.db.write(std::move(job));
        co_return no_content(q, done);
    });
}

}  // namespace kumo::api
