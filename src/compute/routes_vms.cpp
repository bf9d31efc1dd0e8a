// /vms: create, list, show, actions, delete, clone, console log; and the scheduler's explanation of a
// create (POST /scheduler/explain), which reads the flavor like a create does.
#include "compute_routes.hpp"
#include "compute_views.hpp"
#include "kumo/http/body_fields.hpp"
#include "kumo/scheduler/scheduler_views.hpp"

#include <cstdlib>

namespace kumo::api {
namespace {

response vm_accepted(const vm_with_operation& r) {
    return accepted(operation_view(r.op), "vm", vm_view(r.v));
}

// A create body, read the same way for the create and for its dry run (explain), so the dry run checks
// everything the create would. The name is required only by the create.
result<create_vm_request> create_request(const json& body, bool name_required) {
    body_fields f(body);
    create_vm_request req;
    req.name = f.name("name", name_required);
    req.flavor_id = f.text("flavor_id", true, 64);
    req.host_id = f.text("host_id", false, 64);
    req.availability_zone = f.text("availability_zone", false, 255);
    req.server_group_id = f.text("server_group_id", false, 64);
    req.image_id = f.text("image_id", false, 64);
    req.key_name = f.text("key_name", false, 255);
    req.user_data = f.document("user_data", 65536);
    KUMO_TRY_VOID(f.done());
    return req;
}

awaitable<result<response>> create_vm(compute_api& x, request_ctx& q) {
    KUMO_CO_TRY(const json body, json_body(q));
    KUMO_CO_TRY(create_vm_request req, create_request(body, true));
    KUMO_CO_TRY(const vm_with_operation made, co_await x.vms.create(*q.who, std::move(req)));
    co_return vm_accepted(made);
}

awaitable<result<response>> list_vms(compute_api& x, request_ctx& q) {
    KUMO_CO_TRY(const int limit, parse_limit(q));
    repo::list_query lq{limit, q.query["marker"], q.query["name"], q.query["status"], q.query["host_id"], ""};
    const bool all = q.query["all_projects"] == "true";
    if ((all || !q.query["project"].empty()) && !q.who->is_admin())
        co_return make_error(errc::forbidden, "only administrators may list other projects");
    lq.project_id = all ? "*" : q.query["project"];
    KUMO_CO_TRY(const auto found, co_await x.vms.list(*q.who, lq));
    co_return page_of(found, vm_view, limit);
}

awaitable<result<response>> get_vm(compute_api& x, request_ctx& q) {
    KUMO_CO_TRY(const vm found, co_await x.vms.get(*q.who, q.params["id"]));
    co_return ok(vm_view(found));
}

awaitable<result<response>> console_log(compute_api& x, request_ctx& q) {
    std::size_t length = 65536;
    if (auto l = q.query.find("length"); l != q.query.end()) {
        char* end = nullptr;
        const unsigned long long n = std::strtoull(l->second.c_str(), &end, 10);
        if (l->second.empty() || *end != '\0' || n == 0 || n > (1 << 20))
            co_return validation_error("length", "1..1048576 bytes");
        length = static_cast<std::size_t>(n);
    }
    KUMO_CO_TRY(std::string log, co_await x.vms.console_log(*q.who, q.params["id"], length));
    co_return text(std::move(log));
}

awaitable<result<response>> delete_vm(compute_api& x, request_ctx& q) {
    KUMO_CO_TRY(const vm_with_operation done, co_await x.vms.act(*q.who, q.params["id"], vm_action::del, {}));
    co_return vm_accepted(done);
}

awaitable<result<response>> vm_action(compute_api& x, request_ctx& q) {
    const std::string& name = q.params["action"];
    auto a = parse_vm_action(name);
    if (!a)
        co_return make_error(errc::not_found, "no such action: " + name);
    KUMO_CO_TRY(const json body, json_body(q));
    body_fields f(body);
    action_options opts;
    if (*a == vm_action::stop)
        opts.force = f.boolean("force", false);
    if (*a == vm_action::reboot)
        opts.hard = f.boolean("hard", false);
    KUMO_CO_TRY_VOID(f.done());
    KUMO_CO_TRY(const vm_with_operation done, co_await x.vms.act(*q.who, q.params["id"], *a, opts));
    co_return vm_accepted(done);
}

awaitable<result<response>> clone_vm(compute_api& x, request_ctx& q) {
    KUMO_CO_TRY_VOID(co_await x.vms.get(*q.who, q.params["id"]));
    KUMO_CO_TRY(std::string name, name_only_body(q));
    KUMO_CO_TRY(const vm_with_operation made, co_await x.vms.clone(*q.who, q.params["id"], std::move(name)));
    co_return vm_accepted(made);
}

awaitable<result<response>> explain(compute_api& x, request_ctx& q) {
    KUMO_CO_TRY(const json body, json_body(q));
    KUMO_CO_TRY(create_vm_request req, create_request(body, false));
    KUMO_CO_TRY(const placement_decision decided, co_await x.vms.explain(*q.who, std::move(req)));
    // Host names and capacities are the operator's business: others get the summary only.
    co_return ok(decision_view(decided, q.who->is_admin()));
}

}  // namespace

void add_vm_routes(router& r, compute_api& x) {
    r.add(http::verb::post, "/api/v1/vms", "vm:create", with(x, create_vm));
    r.add(http::verb::get, "/api/v1/vms", "vm:read", with(x, list_vms));
    r.add(http::verb::get, "/api/v1/vms/{id}", "vm:read", with(x, get_vm));
    r.add(http::verb::get, "/api/v1/vms/{id}/console-log", "vm:console", with(x, console_log));
    r.add(http::verb::delete_, "/api/v1/vms/{id}", "vm:delete", with(x, delete_vm));
    r.add(http::verb::post, "/api/v1/vms/{id}/actions/clone", "vm:create", with(x, clone_vm));
    r.add(http::verb::post, "/api/v1/vms/{id}/actions/{action}", "vm:action", with(x, vm_action));
    r.add(http::verb::post, "/api/v1/scheduler/explain", "scheduler:explain", with(x, explain));
}

}  // namespace kumo::api
