#include "kumo/core/log.hpp"
#include "router.hpp"

namespace kumo::api {

void add_auth_routes(router& r) {
    r.add(http::verb::post, "/api/v1/auth/tokens", access::anyone, [](request_ctx& q) -> awaitable<response> {
        auto body = json_body(q);
        if (!body)
            co_return problem(body.error(), q.request_id);
        body_fields f(*body);
        std::string username = f.text("username", true, 255);
        std::string password = f.text("password", true, 1024);
        std::string project = f.text("project", false, 255);
        if (auto v = f.done(); !v)
            co_return problem(v.error(), q.request_id);
        auto t = co_await q.ctx.ids.login(username, std::move(password), project, q.remote);
        log::info("auth", "login {} for user '{}' from {} ({})", t ? "succeeded" : "failed", username, q.remote,
                  q.request_id);
        if (!t)
            co_return problem(t.error(), q.request_id);
        co_return ok(json{{"token", t->token},
                          {"expires_at", t->expires_at},
                          {"user", {{"id", t->who.user_id}, {"name", t->who.user_name}}},
                          {"project", {{"id", t->who.project_id}, {"name", t->who.project_name}}},
                          {"roles", json::array({t->who.role})}},
                     http::status::created);
    });
    r.add(http::verb::delete_, "/api/v1/auth/tokens/current", access::authenticated,
          [](request_ctx& q) -> awaitable<response> {
              auto done = co_await q.ctx.ids.revoke(q.bearer);
              if (!done)
                  co_return problem(done.error(), q.request_id);
              co_return response{http::status::no_content, nullptr, {}, "application/json", std::string()};
          });
    r.add(http::verb::get, "/api/v1/auth/me", access::authenticated, [](request_ctx& q) -> awaitable<response> {
        const auto& w = *q.who;
        co_return ok(json{{"user", {{"id", w.user_id}, {"name", w.user_name}}},
                          {"project", {{"id", w.project_id}, {"name", w.project_name}}},
                          {"roles", json::array({w.role})}});
    });
}

}  // namespace kumo::api
