// /roles, /role-assignments, /application-credentials and /audit.
#include "identity_fields.hpp"
#include "identity_routes.hpp"
#include "identity_views.hpp"
#include "kumo/core/clock.hpp"

namespace kumo::api {
namespace {

awaitable<result<response>> create_assignment(identity_api& x, request_ctx& q) {
    KUMO_CO_TRY(const json body, json_body(q));
    body_fields f(body);
    role_assignment a;
    a.role_id = f.text("role", true, 255);
    const std::string user_id = f.text("user_id", false, 64), group_id = f.text("group_id", false, 64);
    const std::string project_id = f.text("project_id", false, 64), domain_id = f.text("domain_id", false, 64);
    const bool cloud = f.boolean("cloud", false);
    KUMO_CO_TRY_VOID(f.done());
    if (user_id.empty() == group_id.empty())
        co_return validation_error("user_id", "give exactly one of user_id and group_id");
    if ((project_id.empty() ? 0 : 1) + (domain_id.empty() ? 0 : 1) + (cloud ? 1 : 0) != 1)
        co_return validation_error("project_id", "give exactly one of project_id, domain_id and cloud");
    a.actor_type = user_id.empty() ? "group" : "user";
    a.actor_id = user_id.empty() ? group_id : user_id;
    a.scope_type = cloud ? "cloud" : project_id.empty() ? "domain" : "project";
    a.scope_id = cloud ? "" : project_id.empty() ? domain_id : project_id;
    KUMO_CO_TRY(const role_assignment made, co_await x.dir.create_assignment(*q.who, std::move(a)));
    co_return created(q, assignment_view(made), "/api/v1/role-assignments");
}

awaitable<result<response>> list_assignments(identity_api& x, request_ctx& q) {
    repo::assignment_query aq;
    aq.actor_id = !q.query["user_id"].empty() ? q.query["user_id"] : q.query["group_id"];
    if (!q.query["project_id"].empty())
        aq = {aq.actor_id, "project", q.query["project_id"], ""};
    else if (!q.query["domain_id"].empty())
        aq = {aq.actor_id, "domain", q.query["domain_id"], ""};
    aq.role_id = q.query["role_id"];
    KUMO_CO_TRY(const auto found, co_await x.dir.list_assignments(*q.who, aq));
    co_return all_of(found, assignment_view);
}

awaitable<result<response>> delete_assignment(identity_api& x, request_ctx& q) {
    KUMO_CO_TRY_VOID(co_await x.dir.delete_assignment(*q.who, q.params["id"]));
    co_return no_content();
}

awaitable<result<response>> list_roles(identity_api& x, request_ctx& q) {
    KUMO_CO_TRY(const auto all, co_await x.dir.list_roles(*q.who));
    const std::string name = q.query["name"];
    std::vector<role> found;
    for (const auto& r : all)
        if (name.empty() || r.name == name)
            found.push_back(r);
    co_return all_of(found, role_view);
}

awaitable<result<response>> create_role(identity_api& x, request_ctx& q) {
    KUMO_CO_TRY(auto f, read_identity_fields(q, {"name", "description", "permissions"}, {"name"}));
    KUMO_CO_TRY(const role made, co_await x.dir.create_role(*q.who, std::move(f)));
    co_return created(q, role_view(made), "/api/v1/roles");
}

awaitable<result<response>> get_role(identity_api& x, request_ctx& q) {
    KUMO_CO_TRY(const role found, co_await x.dir.get_role(*q.who, q.params["id"]));
    co_return ok(role_view(found));
}

awaitable<result<response>> update_role(identity_api& x, request_ctx& q) {
    KUMO_CO_TRY(auto f, read_identity_fields(q, {"name", "description", "permissions"}));
    KUMO_CO_TRY(const role done, co_await x.dir.update_role(*q.who, q.params["id"], std::move(f)));
    co_return ok(role_view(done));
}

awaitable<result<response>> delete_role(identity_api& x, request_ctx& q) {
    KUMO_CO_TRY_VOID(co_await x.dir.delete_role(*q.who, q.params["id"]));
    co_return no_content();
}

awaitable<result<response>> create_app_credential(identity_api& x, request_ctx& q) {
    KUMO_CO_TRY(const json body, json_body(q));
    body_fields f(body);
    app_credential c;
    c.name = f.name("name", true);
    c.description = f.text("description", false, 1024);
    c.roles = f.string_list("roles", 64);
    const std::int64_t ttl = f.integer("expires_in_s", false, 60, 10LL * 365 * 86400, 0);
    KUMO_CO_TRY_VOID(f.done());
    if (ttl > 0)
        c.expires_at =
            std::chrono::duration_cast<std::chrono::seconds>(system_clock().now().time_since_epoch()).count() + ttl;
    KUMO_CO_TRY(const new_app_credential made, co_await x.dir.create_app_credential(*q.who, std::move(c)));
    json view = app_credential_view(made.c);
    view["secret"] = made.secret;  // shown once, never stored in clear
    co_return created(q, std::move(view), "/api/v1/application-credentials");
}

awaitable<result<response>> list_app_credentials(identity_api& x, request_ctx& q) {
    KUMO_CO_TRY(const auto found, co_await x.dir.list_app_credentials(*q.who));
    co_return all_of(found, app_credential_view);
}

awaitable<result<response>> get_app_credential(identity_api& x, request_ctx& q) {
    KUMO_CO_TRY(const app_credential found, co_await x.dir.get_app_credential(*q.who, q.params["id"]));
    co_return ok(app_credential_view(found));
}

awaitable<result<response>> delete_app_credential(identity_api& x, request_ctx& q) {
    KUMO_CO_TRY_VOID(co_await x.dir.delete_app_credential(*q.who, q.params["id"]));
    co_return no_content();
}

awaitable<result<response>> list_audit(identity_api& x, request_ctx& q) {
    KUMO_CO_TRY(const int limit, parse_limit(q));
    repo::audit_query aq;
    aq.limit = limit;
    if (const std::string& m = q.query["marker"]; !m.empty()) {
        aq.marker = std::atoll(m.c_str());
        if (aq.marker <= 0)
            co_return validation_error("marker", "must be the seq of an entry");
    }
    aq.user_id = q.query["user_id"];
    aq.project_id = q.query["project_id"];
    aq.domain_id = q.query["domain_id"];
    aq.action = q.query["action"];
    aq.outcome = q.query["outcome"];
    aq.since = q.query["since"];
    aq.until = q.query["until"];
    KUMO_CO_TRY(const auto found, co_await x.dir.list_audit(*q.who, aq));
    json items = json::array();
    for (const auto& e : found)
        items.push_back(audit_view(e));
    json next = static_cast<int>(found.size()) == limit ? json(found.back().seq) : json(nullptr);
    co_return ok(json{{"items", std::move(items)}, {"next", std::move(next)}});
}

json verdict_view(const audit_verdict& v) {
    return json{{"intact", v.intact},
                {"entries", v.entries},
                {"first_broken_seq", v.intact ? json(nullptr) : json(v.first_broken_seq)},
                {"reason", v.intact ? json(nullptr) : json(v.reason)}};
}

awaitable<result<response>> verify_audit(identity_api& x, request_ctx&) {
    KUMO_CO_TRY(const audit_verdict found, co_await x.dir.verify_audit());
    co_return ok(verdict_view(found));
}

}  // namespace

void add_role_routes(router& r, identity_api& x) {
    r.add(http::verb::get, "/api/v1/roles", "role:read", with(x, list_roles));
    r.add(http::verb::post, "/api/v1/roles", "role:create", with(x, create_role));
    r.add(http::verb::get, "/api/v1/roles/{id}", "role:read", with(x, get_role));
    r.add(http::verb::patch, "/api/v1/roles/{id}", "role:update", with(x, update_role));
    r.add(http::verb::delete_, "/api/v1/roles/{id}", "role:delete", with(x, delete_role));
    r.add(http::verb::get, "/api/v1/role-assignments", "role_assignment:read", with(x, list_assignments));
    r.add(http::verb::post, "/api/v1/role-assignments", "role_assignment:create", with(x, create_assignment));
    r.add(http::verb::delete_, "/api/v1/role-assignments/{id}", "role_assignment:delete", with(x, delete_assignment));
}

void add_app_credential_routes(router& r, identity_api& x) {
    r.add(http::verb::get, "/api/v1/application-credentials", "app_credential:read", with(x, list_app_credentials));
    r.add(http::verb::post, "/api/v1/application-credentials", "app_credential:create", with(x, create_app_credential));
    r.add(http::verb::get, "/api/v1/application-credentials/{id}", "app_credential:read", with(x, get_app_credential));
    r.add(http::verb::delete_, "/api/v1/application-credentials/{id}", "app_credential:delete",
          with(x, delete_app_credential));
}

void add_audit_routes(router& r, identity_api& x) {
    r.add(http::verb::get, "/api/v1/audit", "audit:read", with(x, list_audit));
    r.add(http::verb::get, "/api/v1/audit/verify", "audit:verify", with(x, verify_audit));
}

}  // namespace kumo::api
