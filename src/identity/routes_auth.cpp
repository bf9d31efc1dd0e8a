#include "identity_routes.hpp"
#include "identity_views.hpp"
#include "kumo/core/log.hpp"
#include "kumo/http/body_fields.hpp"
#include "kumo/identity/policy.hpp"

namespace kumo::api {
namespace {

awaitable<result<issued_token>> login_with(identity& ids, request_ctx& q, const json& body) {
    if (body.contains("application_credential")) {
        const json& ac = body.at("application_credential");
        if (body.size() != 1 || !ac.is_object() || ac.size() != 2 || !ac.contains("id") || !ac.contains("secret") ||
            !ac["id"].is_string() || !ac["secret"].is_string())
            co_return validation_error("application_credential",
                                       "must be the only field, as {\"id\": \"...\", \"secret\": \"...\"}");
        q.audit_user = "application_credential:" + ac["id"].get<std::string>().substr(0, 64);
        std::string id = ac["id"], secret = ac["secret"];
        auto t = co_await ids.login_app_credential(std::move(id), std::move(secret), q.remote);
        co_return t;
    }
    body_fields f(body);
    login_request req;
    req.username = f.text("username", true, 255);
    req.password = f.text("password", true, 1024);
    req.project = f.text("project", false, 255);
    req.domain = f.text("domain", false, 255);
    const std::string scope = f.text("scope", false, 16);
    KUMO_CO_TRY_VOID(f.done());
    if (!scope.empty() && scope != "cloud" && scope != "project" && scope != "domain")
        co_return validation_error("scope", "must be project, domain or cloud");
    const int scopes = (req.project.empty() ? 0 : 1) + (req.domain.empty() ? 0 : 1) + (scope == "cloud" ? 1 : 0);
    if (scopes > 1)
        co_return validation_error("project", "give at most one of project, domain and scope=cloud");
    req.cloud_scope = scope == "cloud";
    req.remote = q.remote;
    q.audit_user = req.username;
    auto t = co_await ids.login(std::move(req));
    co_return t;
}

awaitable<result<response>> login(identity_api& x, request_ctx& q) {
    KUMO_CO_TRY(const json body, json_body(q));
    auto t = co_await login_with(x.ids, q, body);
    log::info("auth", "login {} for '{}' from {} ({})", t ? "succeeded" : "failed", q.audit_user, q.remote,
              q.request_id);
    if (!t)
        co_return t.error();
    q.who = t->who;  // for the audit entry
    json view = principal_view(t->who);
    view["token"] = t->token;
    view["expires_at"] = t->expires_at;
    co_return ok(std::move(view), http::status::created);
}

awaitable<result<response>> logout(identity_api& x, request_ctx& q) {
    KUMO_CO_TRY_VOID(co_await x.ids.revoke(q.bearer));
    co_return no_content();
}

awaitable<result<response>> who_am_i(identity_api&, request_ctx& q) {
    json view = principal_view(*q.who);
    view["permissions"] = json::array();
    for (const auto& p : policy_table())
        if (p.who == audience::role_holders && q.who->allows(p.name))
            view["permissions"].push_back(p.name);
    co_return ok(std::move(view));
}

awaitable<result<response>> rotate_keys(identity_api& x, request_ctx&) {
    KUMO_CO_TRY_VOID(co_await x.ids.rotate_keys());
    co_return no_content();
}

}  // namespace

void add_auth_routes(router& r, identity_api& x) {
    r.add(http::verb::post, "/api/v1/auth/tokens", "auth:login", with(x, login));
    r.add(http::verb::delete_, "/api/v1/auth/tokens/current", "auth:self", with(x, logout));
    r.add(http::verb::get, "/api/v1/auth/me", "auth:self", with(x, who_am_i));
    r.add(http::verb::post, "/api/v1/auth/signing-keys/rotate", "auth:rotate_keys", with(x, rotate_keys));
}

}  // namespace kumo::api
