// /roles, /role-assignments, /application-credentials and /audit.
#include "identity_fields.hpp"
#include "identity_views.hpp"
#include "kumo/core/clock.hpp"

namespace kumo::api {
namespace {

awaitable<response> create_assignment(request_ctx& q) {
    auto body = json_body(q);
    if (!body)
        co_return problem(body.error(), q.request_id);
    body_fields f(*body);
    role_assignment a;
    a.role_id = f.text("role", true, 255);
    const std::string user_id = f.text("user_id", false, 64), group_id = f.text("group_id", false, 64);
    const std::string project_id = f.text("project_id", false, 64), domain_id = f.text("domain_id", false, 64);
    const bool cloud = f.boolean("cloud", false);
    if (auto v = f.done(); !v)
        co_return problem(v.error(), q.request_id);
    if (user_id.empty() == group_id.empty())
        co_return problem(validation_error("user_id", "give exactly one of user_id and group_id"), q.request_id);
    if ((project_id.empty() ? 0 : 1) + (domain_id.empty() ? 0 : 1) + (cloud ? 1 : 0) != 1)
        co_return problem(validation_error("project_id", "give exactly one of project_id, domain_id and cloud"),
                          q.request_id);
    a.actor_type = user_id.empty() ? "group" : "user";
    a.actor_id = user_id.empty() ? group_id : user_id;
    a.scope_type = cloud ? "cloud" : project_id.empty() ? "domain" : "project";
    a.scope_id = cloud ? "" : project_id.empty() ? domain_id : project_id;
    auto made = co_await q.ctx.dir.create_assignment(*q.who, std::move(a));
    if (!made)
        co_return problem(made.error(), q.request_id);
    co_return created(q, assignment_view(*made), "/api/v1/role-assignments");
}

awaitable<response> list_assignments(request_ctx& q) {
    repo::assignment_query aq;
    aq.actor_id = !q.query["user_id"].empty() ? q.query["user_id"] : q.query["group_id"];
    if (!q.query["project_id"].empty())
        aq = {aq.actor_id, "project", q.query["project_id"], ""};
    else if (!q.query["domain_id"].empty())
        aq = {aq.actor_id, "domain", q.query["domain_id"], ""};
    aq.role_id = q.query["role_id"];
    auto found = co_await q.ctx.dir.list_assignments(*q.who, aq);
    co_return answer_page(q, found, assignment_view, 1000000);
}

awaitable<response> create_app_credential(request_ctx& q) {
    auto body = json_body(q);
    if (!body)
        co_return problem(body.error(), q.request_id);
    body_fields f(*body);
    app_credential c;
    c.name = f.name("name", true);
    c.description = f.text("description", false, 1024);
    c.roles = f.string_list("roles", 64);
    const std::int64_t ttl = f.integer("expires_in_s", false, 60, 10LL * 365 * 86400, 0);
    if (auto v = f.done(); !v)
        co_return problem(v.error(), q.request_id);
    if (ttl > 0)
        c.expires_at =
            std::chrono::duration_cast<std::chrono::seconds>(system_clock().now().time_since_epoch()).count() + ttl;
    auto made = co_await q.ctx.dir.create_app_credential(*q.who, std::move(c));
    if (!made)
        co_return problem(made.error(), q.request_id);
    json view = app_credential_view(made->c);
    view["secret"] = made->secret;  // shown once, never stored in clear
    co_return created(q, std::move(view), "/api/v1/application-credentials");
}

awaitable<response> list_audit(request_ctx& q) {
    auto limit = parse_limit(q);
    if (!limit)
        co_return problem(limit.error(), q.request_id);
    repo::audit_query aq;
    aq.limit = *limit;
    if (const std::string& m = q.query["marker"]; !m.empty()) {
        aq.marker = std::atoll(m.c_str());
        if (aq.marker <= 0)
            co_return problem(validation_error("marker", "must be the seq of an entry"), q.request_id);
    }
    aq.user_id = q.query["user_id"];
    aq.project_id = q.query["project_id"];
    aq.domain_id = q.query["domain_id"];
    aq.action = q.query["action"];
    aq.outcome = q.query["outcome"];
    aq.since = q.query["since"];
    aq.until = q.query["until"];
    auto found = co_await q.ctx.dir.list_audit(*q.who, aq);
    if (!found)
        co_return problem(found.error(), q.request_id);
    json items = json::array();
    for (const auto& e : *found)
        items.push_back(audit_view(e));
    json next = static_cast<int>(found->size()) == *limit ? json(found->back().seq) : json(nullptr);
    co_return ok(json{{"items", std::move(items)}, {"next", std::move(next)}});
}

json verdict_view(const audit_verdict& v) {
    return json{{"intact", v.intact},
                {"entries", v.entries},
                {"first_broken_seq", v.intact ? json(nullptr) : json(v.first_broken_seq)},
                {"reason", v.intact ? json(nullptr) : json(v.reason)}};
}

}  // namespace

void add_role_routes(router& r) {
    r.add(http::verb::get, "/api/v1/roles", "role:read", [](request_ctx& q) -> awaitable<response> {
        auto found = co_await q.ctx.dir.list_roles(*q.who);
        co_return answer_page(q, found, role_view, 1000000);
    });
    r.add(http::verb::post, "/api/v1/roles", "role:create", [](request_ctx& q) -> awaitable<response> {
        auto f = read_identity_fields(q, {"name", "description", "permissions"}, {"name"});
        if (!f)
            co_return problem(f.error(), q.request_id);
        auto made = co_await q.ctx.dir.create_role(*q.who, std::move(*f));
        if (!made)
            co_return problem(made.error(), q.request_id);
        co_return created(q, role_view(*made), "/api/v1/roles");
    });
    r.add(http::verb::get, "/api/v1/roles/{id}", "role:read", [](request_ctx& q) -> awaitable<response> {
        auto found = co_await q.ctx.dir.get_role(*q.who, q.params["id"]);
        co_return answer(q, found, role_view);
    });
    r.add(http::verb::patch, "/api/v1/roles/{id}", "role:update", [](request_ctx& q) -> awaitable<response> {
        auto f = read_identity_fields(q, {"name", "description", "permissions"});
        if (!f)
            co_return problem(f.error(), q.request_id);
        auto done = co_await q.ctx.dir.update_role(*q.who, q.params["id"], std::move(*f));
        co_return answer(q, done, role_view);
    });
    r.add(http::verb::delete_, "/api/v1/roles/{id}", "role:delete", [](request_ctx& q) -> awaitable<response> {
        auto done = co_await q.ctx.dir.delete_role(*q.who, q.params["id"]);
        co_return no_content(q, done);
    });
    r.add(http::verb::get, "/api/v1/role-assignments", "role_assignment:read", list_assignments);
    r.add(http::verb::post, "/api/v1/role-assignments", "role_assignment:create", create_assignment);
    r.add(http::verb::delete_, "/api/v1/role-assignments/{id}", "role_assignment:delete",
          [](request_ctx& q) -> awaitable<response> {
              auto done = co_await q.ctx.dir.delete_assignment(*q.who, q.params["id"]);
              co_return no_content(q, done);
          });
}

void add_app_credential_routes(router& r) {
    r.add(http::verb::get, "/api/v1/application-credentials", "app_credential:read",
          [](request_ctx& q) -> awaitable<response> {
              auto found = co_await q.ctx.dir.list_app_credentials(*q.who);
              co_return answer_page(q, found, app_credential_view, 1000000);
          });
    r.add(http::verb::post, "/api/v1/application-credentials", "app_credential:create", create_app_credential);
    r.add(http::verb::get, "/api/v1/application-credentials/{id}", "app_credential:read",
          [](request_ctx& q) -> awaitable<response> {
              auto found = co_await q.ctx.dir.get_app_credential(*q.who, q.params["id"]);
              co_return answer(q, found, app_credential_view);
          });
    r.add(http::verb::delete_, "/api/v1/application-credentials/{id}", "app_credential:delete",
          [](request_ctx& q) -> awaitable<response> {
              auto done = co_await q.ctx.dir.delete_app_credential(*q.who, q.params["id"]);
              co_return no_content(q, done);
          });
}

void add_audit_routes(router& r) {
    r.add(http::verb::get, "/api/v1/audit", "audit:read", list_audit);
    r.add(http::verb::get, "/api/v1/audit/verify", "audit:verify", [](request_ctx& q) -> awaitable<response> {
        auto found = co_await q.ctx.dir.verify_audit();
        co_return answer(q, found, verdict_view);
    });
}

}  // namespace kumo::api
