// /domains, /projects and /projects/{id}/quota.
#include "identity_fields.hpp"
#include "identity_views.hpp"

namespace kumo::api {
namespace {

json quota_view(const quota_report& r) {
    json quota = json::object();
    for (const auto& res : quota_resources())
        quota[res] = {{"limit", r.limits.at(res)}, {"in_use", r.usage.at(res)}};
    return json{{"project_id", r.project_id}, {"quota", quota}};
}

awaitable<response> set_quota(request_ctx& q) {
    auto body = json_body(q);
    if (!body)
        co_return problem(body.error(), q.request_id);
    body_fields f(*body);
    quota_map limits;
    for (const auto& res : quota_resources())
        if (f.present(res.c_str()))
            limits[res] = f.integer(res.c_str(), false, -1, 1LL << 40, -1);
    if (auto v = f.done(); !v)
        co_return problem(v.error(), q.request_id);
    auto done = co_await q.ctx.dir.set_quota(*q.who, q.params["id"], std::move(limits));
    co_return answer(q, done, quota_view);
}

}  // namespace

void add_domain_routes(router& r) {
    r.add(http::verb::get, "/api/v1/domains", "domain:read", [](request_ctx& q) -> awaitable<response> {
        auto lq = identity_list_query(q);
        if (!lq)
            co_return problem(lq.error(), q.request_id);
        auto found = co_await q.ctx.dir.list_domains(*q.who, *lq);
        co_return answer_page(q, found, domain_view, lq->limit);
    });
    r.add(http::verb::post, "/api/v1/domains", "domain:create", [](request_ctx& q) -> awaitable<response> {
        auto f = read_identity_fields(q, {"name", "description", "enabled"}, {"name"});
        if (!f)
            co_return problem(f.error(), q.request_id);
        auto made = co_await q.ctx.dir.create_domain(*q.who, std::move(*f));
        if (!made)
            co_return problem(made.error(), q.request_id);
        co_return created(q, domain_view(*made), "/api/v1/domains");
    });
    r.add(http::verb::get, "/api/v1/domains/{id}", "domain:read", [](request_ctx& q) -> awaitable<response> {
        auto found = co_await q.ctx.dir.get_domain(*q.who, q.params["id"]);
        co_return answer(q, found, domain_view);
    });
    r.add(http::verb::patch, "/api/v1/domains/{id}", "domain:update", [](request_ctx& q) -> awaitable<response> {
        auto f = read_identity_fields(q, {"name", "description", "enabled"});
        if (!f)
            co_return problem(f.error(), q.request_id);
        auto done = co_await q.ctx.dir.update_domain(*q.who, q.params["id"], std::move(*f));
        co_return answer(q, done, domain_view);
    });
    r.add(http::verb::delete_, "/api/v1/domains/{id}", "domain:delete", [](request_ctx& q) -> awaitable<response> {
        auto done = co_await q.ctx.dir.delete_domain(*q.who, q.params["id"]);
        co_return no_content(q, done);
    });
}

void add_project_routes(router& r) {
    r.add(http::verb::get, "/api/v1/projects", "project:read", [](request_ctx& q) -> awaitable<response> {
        auto lq = identity_list_query(q);
        if (!lq)
            co_return problem(lq.error(), q.request_id);
        auto found = co_await q.ctx.dir.list_projects(*q.who, *lq);
        co_return answer_page(q, found, project_view, lq->limit);
    });
    r.add(http::verb::post, "/api/v1/projects", "project:create", [](request_ctx& q) -> awaitable<response> {
        auto f = read_identity_fields(q, {"name", "description", "enabled", "domain_id"}, {"name"});
        if (!f)
            co_return problem(f.error(), q.request_id);
        auto made = co_await q.ctx.dir.create_project(*q.who, std::move(*f));
        if (!made)
            co_return problem(made.error(), q.request_id);
        co_return created(q, project_view(*made), "/api/v1/projects");
    });
    r.add(http::verb::get, "/api/v1/projects/{id}", "project:read", [](request_ctx& q) -> awaitable<response> {
        auto found = co_await q.ctx.dir.get_project(*q.who, q.params["id"]);
        co_return answer(q, found, project_view);
    });
    r.add(http::verb::patch, "/api/v1/projects/{id}", "project:update", [](request_ctx& q) -> awaitable<response> {
        auto f = read_identity_fields(q, {"name", "description", "enabled"});
        if (!f)
            co_return problem(f.error(), q.request_id);
        auto done = co_await q.ctx.dir.update_project(*q.who, q.params["id"], std::move(*f));
        co_return answer(q, done, project_view);
    });
    r.add(http::verb::delete_, "/api/v1/projects/{id}", "project:delete", [](request_ctx& q) -> awaitable<response> {
        auto done = co_await q.ctx.dir.delete_project(*q.who, q.params["id"]);
        co_return no_content(q, done);
    });
    r.add(http::verb::get, "/api/v1/projects/{id}/quota", "quota:read", [](request_ctx& q) -> awaitable<response> {
        auto found = co_await q.ctx.dir.get_quota(*q.who, q.params["id"]);
        co_return answer(q, found, quota_view);
    });
    r.add(http::verb::patch, "/api/v1/projects/{id}/quota", "quota:update", set_quota);
}

}  // namespace kumo::api
