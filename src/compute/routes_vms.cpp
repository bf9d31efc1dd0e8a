#include "compute_views.hpp"
#include "kumo/http/router.hpp"
#include "kumo/operations/operations.hpp"
#include "kumo/store/list_query.hpp"

namespace kumo::api {
namespace {

response vm_accepted(const vm_with_operation& r) {
    return accepted(operation_view(r.op), "vm", vm_view(r.v));
}

awaitable<response> create_vm(request_ctx& q) {
    auto body = json_body(q);
    if (!body)
        co_return problem(body.error(), q.request_id);
    body_fields f(*body);
    create_vm_request req;
    req.name = f.name("name", true);
    req.flavor_id = f.text("flavor_id", true, 64);
    req.host_id = f.text("host_id", false, 64);
    req.availability_zone = f.text("availability_zone", false, 255);
    req.server_group_id = f.text("server_group_id", false, 64);
    req.image_id = f.text("image_id", false, 64);
    req.key_name = f.text("key_name", false, 255);
    req.user_data = f.document("user_data", 65536);
    if (auto v = f.done(); !v)
        co_return problem(v.error(), q.request_id);
    auto made = co_await q.ctx.vms.create(*q.who, std::move(req));
    if (!made)
        co_return problem(made.error(), q.request_id);
    co_return vm_accepted(*made);
}

awaitable<response> list_vms(request_ctx& q) {
    auto limit = parse_limit(q);
    if (!limit)
        co_return problem(limit.error(), q.request_id);
    repo::list_query lq{*limit, q.query["marker"], q.query["name"], q.query["status"], q.query["host_id"], ""};
    const bool all = q.query["all_projects"] == "true";
    if ((all || !q.query["project"].empty()) && !q.who->is_admin())
        co_return problem(make_error(errc::forbidden, "only administrators may list other projects"), q.request_id);
    lq.project_id = all ? "*" : q.query["project"];
    auto found = co_await q.ctx.vms.list(*q.who, lq);
    if (!found)
        co_return problem(found.error(), q.request_id);
    json items = json::array();
    for (const auto& v : *found)
        items.push_back(vm_view(v));
    co_return page(std::move(items), *limit);
}

awaitable<response> vm_action(request_ctx& q) {
    const std::string& name = q.params["action"];
    auto a = parse_vm_action(name);
    if (!a)
        co_return problem(make_error(errc::not_found, "no such action: " + name), q.request_id);
    auto body = json_body(q);
    if (!body)
        co_return problem(body.error(), q.request_id);
    body_fields f(*body);
    action_options opts;
    if (*a == vm_action::stop)
        opts.force = f.boolean("force", false);
    if (*a == vm_action::reboot)
        opts.hard = f.boolean("hard", false);
    if (auto v = f.done(); !v)
        co_return problem(v.error(), q.request_id);
    auto done = co_await q.ctx.vms.act(*q.who, q.params["id"], *a, opts);
    if (!done)
        co_return problem(done.error(), q.request_id);
    co_return vm_accepted(*done);
}

awaitable<response> clone_vm(request_ctx& q) {
    if (auto visible = co_await q.ctx.vms.get(*q.who, q.params["id"]); !visible)
        co_return problem(visible.error(), q.request_id);
    auto name = name_only_body(q);
    if (!name)
        co_return problem(name.error(), q.request_id);
    auto made = co_await q.ctx.vms.clone(*q.who, q.params["id"], std::move(*name));
    if (!made)
        co_return problem(made.error(), q.request_id);
    co_return vm_accepted(*made);
}

}  // namespace

void add_vm_routes(router& r) {
    r.add(http::verb::post, "/api/v1/vms", "vm:create", create_vm);
    r.add(http::verb::get, "/api/v1/vms", "vm:read", list_vms);
    r.add(http::verb::get, "/api/v1/vms/{id}", "vm:read", [](request_ctx& q) -> awaitable<response> {
        auto found = co_await q.ctx.vms.get(*q.who, q.params["id"]);
        if (!found)
            co_return problem(found.error(), q.request_id);
        co_return ok(vm_view(*found));
    });
    r.add(http::verb::get, "/api/v1/vms/{id}/console-log", "vm:console", [](request_ctx& q) -> awaitable<response> {
        std::size_t length = 65536;
        if (auto l = q.query.find("length"); l != q.query.end()) {
            char* end = nullptr;
            const unsigned long long n = std::strtoull(l->second.c_str(), &end, 10);
            if (l->second.empty() || *end != '\0' || n == 0 || n > (1 << 20))
                co_return problem(validation_error("length", "1..1048576 bytes"), q.request_id);
            length = static_cast<std::size_t>(n);
        }
        auto log = co_await q.ctx.vms.console_log(*q.who, q.params["id"], length);
        if (!log)
            co_return problem(log.error(), q.request_id);
        response r;
        r.content_type = "text/plain; charset=utf-8";
        r.raw = *log;
        co_return r;
    });
    r.add(http::verb::delete_, "/api/v1/vms/{id}", "vm:delete", [](request_ctx& q) -> awaitable<response> {
        auto done = co_await q.ctx.vms.act(*q.who, q.params["id"], vm_action::del, {});
        if (!done)
            co_return problem(done.error(), q.request_id);
        co_return vm_accepted(*done);
    });
    r.add(http::verb::post, "/api/v1/vms/{id}/actions/clone", "vm:create", clone_vm);  // before {action}
    r.add(http::verb::post, "/api/v1/vms/{id}/actions/{action}", "vm:action", vm_action);
}

}  // namespace kumo::api
