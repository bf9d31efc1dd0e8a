// A VM's snapshots, its root disk exported as an image, and the volumes attached to it.
#include "compute_routes.hpp"
#include "compute_views.hpp"
#include "kumo/http/body_fields.hpp"

namespace kumo::api {
namespace {

awaitable<result<response>> create_snapshot(compute_api& x, request_ctx& q) {
    KUMO_CO_TRY_VOID(co_await x.vms.get(*q.who, q.params["id"]));
    KUMO_CO_TRY(const json body, json_body(q));
    body_fields f(body);
    std::string name = f.name("name", true);
    std::optional<bool> memory;
    if (f.present("memory"))
        memory = f.boolean("memory", false);
    KUMO_CO_TRY_VOID(f.done());
    KUMO_CO_TRY(const vm_snapshot made, co_await x.snapshots.create(*q.who, q.params["id"], std::move(name), memory));
    co_return created(q, vm_snapshot_view(made), "/api/v1/vms/" + q.params["id"] + "/snapshots");
}

awaitable<result<response>> list_snapshots(compute_api& x, request_ctx& q) {
    KUMO_CO_TRY(const auto found, co_await x.snapshots.list(*q.who, q.params["id"]));
    co_return all_of(found, vm_snapshot_view);
}

awaitable<result<response>> revert_snapshot(compute_api& x, request_ctx& q) {
    KUMO_CO_TRY(const vm reverted, co_await x.snapshots.revert(*q.who, q.params["id"], q.params["snapshot_id"]));
    co_return ok(vm_view(reverted));
}

awaitable<result<response>> delete_snapshot(compute_api& x, request_ctx& q) {
    KUMO_CO_TRY_VOID(co_await x.snapshots.remove(*q.who, q.params["id"], q.params["snapshot_id"]));
    co_return no_content();
}

awaitable<result<response>> create_image(compute_api& x, request_ctx& q) {
    KUMO_CO_TRY_VOID(co_await x.vms.get(*q.who, q.params["id"]));
    KUMO_CO_TRY(std::string name, name_only_body(q));
    KUMO_CO_TRY(const image started, co_await x.snapshots.create_image(*q.who, q.params["id"], std::move(name)));
    co_return ok(image_view(started), http::status::accepted);
}

awaitable<result<response>> attach_volume(compute_api& x, request_ctx& q) {
    KUMO_CO_TRY_VOID(co_await x.vms.get(*q.who, q.params["id"]));
    KUMO_CO_TRY(const json body, json_body(q));
    body_fields f(body);
    const std::string volume_id = f.text("volume_id", true, 64);
    KUMO_CO_TRY_VOID(f.done());
    KUMO_CO_TRY(const volume attached, co_await x.attachments.attach(*q.who, q.params["id"], volume_id));
    co_return ok(volume_view(attached));
}

awaitable<result<response>> detach_volume(compute_api& x, request_ctx& q) {
    KUMO_CO_TRY_VOID(co_await x.vms.get(*q.who, q.params["id"]));
    KUMO_CO_TRY(const volume detached, co_await x.attachments.detach(*q.who, q.params["id"], q.params["volume_id"]));
    co_return ok(volume_view(detached));
}

}  // namespace

void add_snapshot_routes(router& r, compute_api& x) {
    r.add(http::verb::post, "/api/v1/vms/{id}/actions/create-image", "vm:snapshot", with(x, create_image));
    r.add(http::verb::post, "/api/v1/vms/{id}/snapshots", "vm:snapshot", with(x, create_snapshot));
    r.add(http::verb::get, "/api/v1/vms/{id}/snapshots", "vm:read", with(x, list_snapshots));
    r.add(http::verb::post, "/api/v1/vms/{id}/snapshots/{snapshot_id}/actions/revert", "vm:snapshot",
          with(x, revert_snapshot));
    r.add(http::verb::delete_, "/api/v1/vms/{id}/snapshots/{snapshot_id}", "vm:snapshot", with(x, delete_snapshot));
    r.add(http::verb::post, "/api/v1/vms/{id}/volumes", "volume:attach", with(x, attach_volume));
    r.add(http::verb::delete_, "/api/v1/vms/{id}/volumes/{volume_id}", "volume:attach", with(x, detach_volume));
}

}  // namespace kumo::api
