// /users and /groups.
#include "identity_fields.hpp"
#include "identity_routes.hpp"
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

awaitable<result<response>> list_users(identity_api& x, request_ctx& q) {
    KUMO_CO_TRY(const auto lq, identity_list_query(q));
    KUMO_CO_TRY(const auto found, co_await x.dir.list_users(*q.who, lq));
    co_return page_of(found, user_view, lq.limit);
}

awaitable<result<response>> create_user(identity_api& x, request_ctx& q) {
    KUMO_CO_TRY(auto f,
                read_identity_fields(q, {"name", "password", "email", "enabled", "domain_id"}, {"name", "password"}));
    KUMO_CO_TRY(const user made, co_await x.dir.create_user(*q.who, std::move(f)));
    co_return created(q, user_view(made), "/api/v1/users");
}

awaitable<result<response>> get_user(identity_api& x, request_ctx& q) {
    KUMO_CO_TRY(const user found, co_await x.dir.get_user(*q.who, q.params["id"]));
    co_return ok(user_view(found));
}

awaitable<result<response>> update_user(identity_api& x, request_ctx& q) {
    KUMO_CO_TRY(auto f, read_identity_fields(q, {"name", "password", "email", "enabled"}));
    KUMO_CO_TRY(const user done, co_await x.dir.update_user(*q.who, q.params["id"], std::move(f)));
    co_return ok(user_view(done));
}

awaitable<result<response>> delete_user(identity_api& x, request_ctx& q) {
    KUMO_CO_TRY_VOID(co_await x.dir.delete_user(*q.who, q.params["id"]));
    co_return no_content();
}

awaitable<result<response>> change_password(identity_api& x, request_ctx& q) {
    KUMO_CO_TRY(const json body, json_body(q));
    body_fields f(body);
    std::string original = f.text("original_password", true, 1024);
    std::string password = f.text("password", true, 1024);
    KUMO_CO_TRY_VOID(f.done());
    KUMO_CO_TRY_VOID(
        co_await x.dir.change_own_password(*q.who, q.params["id"], std::move(original), std::move(password)));
    co_return no_content();
}

awaitable<result<response>> list_groups(identity_api& x, request_ctx& q) {
    KUMO_CO_TRY(const auto lq, identity_list_query(q));
    KUMO_CO_TRY(const auto found, co_await x.dir.list_groups(*q.who, lq));
    co_return page_of(found, group_view, lq.limit);
}

awaitable<result<response>> create_group(identity_api& x, request_ctx& q) {
    KUMO_CO_TRY(auto f, read_identity_fields(q, {"name", "description", "domain_id"}, {"name"}));
    KUMO_CO_TRY(const group made, co_await x.dir.create_group(*q.who, std::move(f)));
    co_return created(q, group_view(made), "/api/v1/groups");
}

awaitable<result<response>> get_group(identity_api& x, request_ctx& q) {
    KUMO_CO_TRY(const group_with_members found, co_await x.dir.get_group(*q.who, q.params["id"]));
    co_return ok(group_detail_view(found));
}

awaitable<result<response>> update_group(identity_api& x, request_ctx& q) {
    KUMO_CO_TRY(auto f, read_identity_fields(q, {"name", "description"}));
    KUMO_CO_TRY(const group done, co_await x.dir.update_group(*q.who, q.params["id"], std::move(f)));
    co_return ok(group_view(done));
}

awaitable<result<response>> delete_group(identity_api& x, request_ctx& q) {
    KUMO_CO_TRY_VOID(co_await x.dir.delete_group(*q.who, q.params["id"]));
    co_return no_content();
}

awaitable<result<response>> add_member(identity_api& x, request_ctx& q) {
    KUMO_CO_TRY_VOID(co_await x.dir.add_group_member(*q.who, q.params["id"], q.params["user_id"]));
    co_return no_content();
}

awaitable<result<response>> remove_member(identity_api& x, request_ctx& q) {
    KUMO_CO_TRY_VOID(co_await x.dir.remove_group_member(*q.who, q.params["id"], q.params["user_id"]));
    co_return no_content();
}

}  // namespace

void add_user_routes(router& r, identity_api& x) {
    r.add(http::verb::get, "/api/v1/users", "user:read", with(x, list_users));
    r.add(http::verb::post, "/api/v1/users", "user:create", with(x, create_user));
    r.add(http::verb::get, "/api/v1/users/{id}", "user:read", with(x, get_user));
    r.add(http::verb::patch, "/api/v1/users/{id}", "user:update", with(x, update_user));
    r.add(http::verb::delete_, "/api/v1/users/{id}", "user:delete", with(x, delete_user));
    r.add(http::verb::post, "/api/v1/users/{id}/password", "auth:self", with(x, change_password));
}

void add_group_routes(router& r, identity_api& x) {
    r.add(http::verb::get, "/api/v1/groups", "group:read", with(x, list_groups));
    r.add(http::verb::post, "/api/v1/groups", "group:create", with(x, create_group));
    r.add(http::verb::get, "/api/v1/groups/{id}", "group:read", with(x, get_group));
    r.add(http::verb::patch, "/api/v1/groups/{id}", "group:update", with(x, update_group));
    r.add(http::verb::delete_, "/api/v1/groups/{id}", "group:delete", with(x, delete_group));
    r.add(http::verb::put, "/api/v1/groups/{id}/users/{user_id}", "group:update", with(x, add_member));
    r.add(http::verb::delete_, "/api/v1/groups/{id}/users/{user_id}", "group:update", with(x, remove_member));
}

}  // namespace kumo::api
