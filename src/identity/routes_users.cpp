// /users and /groups.
#include "identity_fields.hpp"
#include "identity_views.hpp"

namespace kumo::api {
namespace {

json group_detail_view(const group_with_members& g) {
    json j = group_view(g.g);
    j["users"] = json::array();
    for (const auto& u : g.members)
        j["users"].push_back({{"id", u.id}, {"name", u.name}});
    return j;
}

awaitable<response> change_password(request_ctx& q) {
    auto body = json_body(q);
    if (!body)
        co_return problem(body.error(), q.request_id);
    body_fields f(*body);
    std::string original = f.text("original_password", true, 1024);
    std::string password = f.text("password", true, 1024);
    if (auto v = f.done(); !v)
        co_return problem(v.error(), q.request_id);
    auto done =
        co_await q.ctx.dir.change_own_password(*q.who, q.params["id"], std::move(original), std::move(password));
    co_return no_content(q, done);
}

}  // namespace

void add_user_routes(router& r) {
    r.add(http::verb::get, "/api/v1/users", "user:read", [](request_ctx& q) -> awaitable<response> {
        auto lq = identity_list_query(q);
        if (!lq)
            co_return problem(lq.error(), q.request_id);
        auto found = co_await q.ctx.dir.list_users(*q.who, *lq);
        co_return answer_page(q, found, user_view, lq->limit);
    });
    r.add(http::verb::post, "/api/v1/users", "user:create", [](request_ctx& q) -> awaitable<response> {
        auto f = read_identity_fields(q, {"name", "password", "email", "enabled", "domain_id"}, {"name", "password"});
        if (!f)
            co_return problem(f.error(), q.request_id);
        auto made = co_await q.ctx.dir.create_user(*q.who, std::move(*f));
        if (!made)
            co_return problem(made.error(), q.request_id);
        co_return created(q, user_view(*made), "/api/v1/users");
    });
    r.add(http::verb::get, "/api/v1/users/{id}", "user:read", [](request_ctx& q) -> awaitable<response> {
        auto found = co_await q.ctx.dir.get_user(*q.who, q.params["id"]);
        co_return answer(q, found, user_view);
    });
    r.add(http::verb::patch, "/api/v1/users/{id}", "user:update", [](request_ctx& q) -> awaitable<response> {
        auto f = read_identity_fields(q, {"name", "password", "email", "enabled"});
        if (!f)
            co_return problem(f.error(), q.request_id);
        auto done = co_await q.ctx.dir.update_user(*q.who, q.params["id"], std::move(*f));
        co_return answer(q, done, user_view);
    });
    r.add(http::verb::delete_, "/api/v1/users/{id}", "user:delete", [](request_ctx& q) -> awaitable<response> {
        auto done = co_await q.ctx.dir.delete_user(*q.who, q.params["id"]);
        co_return no_content(q, done);
    });
    r.add(http::verb::post, "/api/v1/users/{id}/password", "auth:self", change_password);
}

void add_group_routes(router& r) {
    r.add(http::verb::get, "/api/v1/groups", "group:read", [](request_ctx& q) -> awaitable<response> {
        auto lq = identity_list_query(q);
        if (!lq)
            co_return problem(lq.error(), q.request_id);
        auto found = co_await q.ctx.dir.list_groups(*q.who, *lq);
        co_return answer_page(q, found, group_view, lq->limit);
    });
    r.add(http::verb::post, "/api/v1/groups", "group:create", [](request_ctx& q) -> awaitable<response> {
        auto f = read_identity_fields(q, {"name", "description", "domain_id"}, {"name"});
        if (!f)
            co_return problem(f.error(), q.request_id);
        auto made = co_await q.ctx.dir.create_group(*q.who, std::move(*f));
        if (!made)
            co_return problem(made.error(), q.request_id);
        co_return created(q, group_view(*made), "/api/v1/groups");
    });
    r.add(http::verb::get, "/api/v1/groups/{id}", "group:read", [](request_ctx& q) -> awaitable<response> {
        auto found = co_await q.ctx.dir.get_group(*q.who, q.params["id"]);
        co_return answer(q, found, group_detail_view);
    });
    r.add(http::verb::patch, "/api/v1/groups/{id}", "group:update", [](request_ctx& q) -> awaitable<response> {
        auto f = read_identity_fields(q, {"name", "description"});
        if (!f)
            co_return problem(f.error(), q.request_id);
        auto done = co_await q.ctx.dir.update_group(*q.who, q.params["id"], std::move(*f));
        co_return answer(q, done, group_view);
    });
    r.add(http::verb::delete_, "/api/v1/groups/{id}", "group:delete", [](request_ctx& q) -> awaitable<response> {
        auto done = co_await q.ctx.dir.delete_group(*q.who, q.params["id"]);
        co_return no_content(q, done);
    });
    r.add(http::verb::put, "/api/v1/groups/{id}/users/{user_id}", "group:update",
          [](request_ctx& q) -> awaitable<response> {
              auto done = co_await q.ctx.dir.add_group_member(*q.who, q.params["id"], q.params["user_id"]);
              co_return no_content(q, done);
          });
    r.add(http::verb::delete_, "/api/v1/groups/{id}/users/{user_id}", "group:update",
          [](request_ctx& q) -> awaitable<response> {
              auto done = co_await q.ctx.dir.remove_group_member(*q.who, q.params["id"], q.params["user_id"]);
              co_return no_content(q, done);
          });
}

}  // namespace kumo::api
