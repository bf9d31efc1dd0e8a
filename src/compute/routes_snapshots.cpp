#include "compute_views.hpp"
#include "kumo/http/router.hpp"
#include "vm_snapshots.hpp"

namespace kumo::api {
namespace {

awaitable<response> create_snapshot(request_ctx& q) {
    if (auto visible = co_await q.ctx.vms.get(*q.who, q.params["id"]); !visible)
        co_return problem(visible.error(), q.request_id);
    auto body = json_body(q);
    if (!body)
        co_return problem(body.error(), q.request_id);
    body_fields f(*body);
    std::string name = f.name("name", true);
    std::optional<bool> memory;
    if (f.present("memory"))
        memory = f.boolean("memory", false);
    if (auto v = f.done(); !v)
        co_return problem(v.error(), q.request_id);
    auto made = co_await q.ctx.snapshots.create(*q.who, q.params["id"], std::move(name), memory);
    if (!made)
        co_return problem(made.error(), q.request_id);
    co_return created(q, vm_snapshot_view(*made), "/api/v1/vms/" + q.params["id"] + "/snapshots");
}

awaitable<response> create_image(request_ctx& q) {
    if (auto visible = co_await q.ctx.vms.get(*q.who, q.params["id"]); !visible)
        co_return problem(visible.error(), q.request_id);
    auto name = name_only_body(q);
    if (!name)
        co_return problem(name.error(), q.request_id);
    auto started = co_await q.ctx.snapshots.create_image(*q.who, q.params["id"], std::move(*name));
    co_return answer(q, started, image_view, http::status::accepted);
}

}  // namespace

void add_snapshot_routes(router& r) {
    r.add(http::verb::post, "/api/v1/vms/{id}/actions/create-image", "vm:snapshot", create_image);
    r.add(http::verb::post, "/api/v1/vms/{id}/snapshots", "vm:snapshot", create_snapshot);
    r.add(http::verb::get, "/api/v1/vms/{id}/snapshots", "vm:read", [](request_ctx& q) -> awaitable<response> {
        auto found = co_await q.ctx.snapshots.list(*q.who, q.params["id"]);
        co_return answer_page(q, found, vm_snapshot_view, 1000000);
    });
    r.add(http::verb::post, "/api/v1/vms/{id}/snapshots/{snapshot_id}/actions/revert", "vm:snapshot",
          [](request_ctx& q) -> awaitable<response> {
              auto reverted = co_await q.ctx.snapshots.revert(*q.who, q.params["id"], q.params["snapshot_id"]);
              co_return answer(q, reverted, vm_view);
          });
    r.add(http::verb::delete_, "/api/v1/vms/{id}/snapshots/{snapshot_id}", "vm:snapshot",
          [](request_ctx& q) -> awaitable<response> {
              auto done = co_await q.ctx.snapshots.remove(*q.who, q.params["id"], q.params["snapshot_id"]);
              co_return no_content(q, done);
          });
}

}  // namespace kumo::api
