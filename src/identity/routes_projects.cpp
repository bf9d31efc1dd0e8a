// /domains, /projects and /projects/{id}/quota.
#include "identity_fields.hpp"
#include "identity_routes.hpp"
#include "identity_views.hpp"

namespace kumo::api {
namespace {

json quota_view(const quota_report& r) {
    json quota = json::object();
    for (const auto& res : quota_resources())
        quota[res] = {{"limit", r.limits.at(res)}, {"in_use", r.usage.at(res)}};
    return json{{"project_id", r.project_id}, {"quota", quota}};
}

awaitable<result<response>> list_domains(identity_api& x, request_ctx& q) {
    KUMO_CO_TRY(const auto lq, identity_list_query(q));
    KUMO_CO_TRY(const auto found, co_await x.dir.list_domains(*q.who, lq));
    co_return page_of(found, domain_view, lq.limit);
}

awaitable<result<response>> create_domain(identity_api& x, request_ctx& q) {
    KUMO_CO_TRY(auto f, read_identity_fields(q, {"name", "description", "enabled"}, {"name"}));
    KUMO_CO_TRY(const domain made, co_await x.dir.create_domain(*q.who, std::move(f)));
    co_return created(q, domain_view(made), "/api/v1/domains");
}

awaitable<result<response>> get_domain(identity_api& x, request_ctx& q) {
    KUMO_CO_TRY(const domain found, co_await x.dir.get_domain(*q.who, q.params["id"]));
    co_return ok(domain_view(found));
}

awaitable<result<response>> update_domain(identity_api& x, request_ctx& q) {
    KUMO_CO_TRY(auto f, read_identity_fields(q, {"name", "description", "enabled"}));
    KUMO_CO_TRY(const domain done, co_await x.dir.update_domain(*q.who, q.params["id"], std::move(f)));
    co_return ok(domain_view(done));
}

awaitable<result<response>> delete_domain(identity_api& x, request_ctx& q) {
    KUMO_CO_TRY_VOID(co_await x.dir.delete_domain(*q.who, q.params["id"]));
    co_return no_content();
}

awaitable<result<response>> list_projects(identity_api& x, request_ctx& q) {
    KUMO_CO_TRY(const auto lq, identity_list_query(q));
    KUMO_CO_TRY(const auto found, co_await x.dir.list_projects(*q.who, lq));
    co_return page_of(found, project_view, lq.limit);
}

awaitable<result<response>> create_project(identity_api& x, request_ctx& q) {
    KUMO_CO_TRY(auto f, read_identity_fields(q, {"name", "description", "enabled", "domain_id"}, {"name"}));
    KUMO_CO_TRY(const project made, co_await x.dir.create_project(*q.who, std::move(f)));
    co_return created(q, project_view(made), "/api/v1/projects");
}

awaitable<result<response>> get_project(identity_api& x, request_ctx& q) {
    KUMO_CO_TRY(const project found, co_await x.dir.get_project(*q.who, q.params["id"]));
    co_return ok(project_view(found));
}

awaitable<result<response>> update_project(identity_api& x, request_ctx& q) {
    KUMO_CO_TRY(auto f, read_identity_fields(q, {"name", "description", "enabled"}));
    KUMO_CO_TRY(const project done, co_await x.dir.update_project(*q.who, q.params["id"], std::move(f)));
    co_return ok(project_view(done));
}

awaitable<result<response>> delete_project(identity_api& x, request_ctx& q) {
    KUMO_CO_TRY_VOID(co_await x.dir.delete_project(*q.who, q.params["id"]));
    co_return no_content();
}

awaitable<result<response>> get_quota(identity_api& x, request_ctx& q) {
    KUMO_CO_TRY(const quota_report found, co_await x.dir.get_quota(*q.who, q.params["id"]));
    co_return ok(quota_view(found));
}

awaitable<result<response>> set_quota(identity_api& x, request_ctx& q) {
    KUMO_CO_TRY(const json body, json_body(q));
    body_fields f(body);
    quota_map limits;
    for (const auto& res : quota_resources())
        if (f.present(res.c_str()))
            limits[res] = f.integer(res.c_str(), false, -1, 1LL << 40, -1);
    KUMO_CO_TRY_VOID(f.done());
    KUMO_CO_TRY(const quota_report done, co_await x.dir.set_quota(*q.who, q.params["id"], std::move(limits)));
    co_return ok(quota_view(done));
}

}  // namespace

void add_domain_routes(router& r, identity_api& x) {
    r.add(http::verb::get, "/api/v1/domains", "domain:read", with(x, list_domains));
    r.add(http::verb::post, "/api/v1/domains", "domain:create", with(x, create_domain));
    r.add(http::verb::get, "/api/v1/domains/{id}", "domain:read", with(x, get_domain));
    r.add(http::verb::patch, "/api/v1/domains/{id}", "domain:update", with(x, update_domain));
    r.add(http::verb::delete_, "/api/v1/domains/{id}", "domain:delete", with(x, delete_domain));
}

void add_project_routes(router& r, identity_api& x) {
    r.add(http::verb::get, "/api/v1/projects", "project:read", with(x, list_projects));
    r.add(http::verb::post, "/api/v1/projects", "project:create", with(x, create_project));
    r.add(http::verb::get, "/api/v1/projects/{id}", "project:read", with(x, get_project));
    r.add(http::verb::patch, "/api/v1/projects/{id}", "project:update", with(x, update_project));
    r.add(http::verb::delete_, "/api/v1/projects/{id}", "project:delete", with(x, delete_project));
    r.add(http::verb::get, "/api/v1/projects/{id}/quota", "quota:read", with(x, get_quota));
    r.add(http::verb::patch, "/api/v1/projects/{id}/quota", "quota:update", with(x, set_quota));
}

}  // namespace kumo::api
