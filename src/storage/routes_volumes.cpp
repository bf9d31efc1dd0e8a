#include "kumo/http/router.hpp"
#include "kumo/image/image_store.hpp"
#include "kumo/storage/volumes.hpp"

namespace kumo::api {
namespace {

awaitable<response> create_volume(request_ctx& q) {
    auto body = json_body(q);
    if (!body)
        co_return problem(body.error(), q.request_id);
    body_fields f(*body);
    volume_create_request req;
    req.name = f.name("name", true);
    if (f.present("size_gb"))
        req.size_gb = static_cast<int>(f.integer("size_gb", true, 1, 65536, 1));
    req.image_id = f.text("image_id", false, 64);
    req.snapshot_id = f.text("snapshot_id", false, 64);
    req.volume_type = f.text("volume_type", false, 64);
    if (auto v = f.done(); !v)
        co_return problem(v.error(), q.request_id);
    auto made = co_await q.ctx.volumes.create(*q.who, std::move(req));
    if (!made)
        co_return problem(made.error(), q.request_id);
    co_return created(q, volume_view(*made), "/api/v1/volumes");
}

awaitable<response> extend_volume(request_ctx& q) {
    auto body = json_body(q);
    if (!body)
        co_return problem(body.error(), q.request_id);
    body_fields f(*body);
    const int size_gb = static_cast<int>(f.integer("size_gb", true, 1, 65536, 1));
    if (auto v = f.done(); !v)
        co_return problem(v.error(), q.request_id);
    auto grown = co_await q.ctx.volumes.extend(*q.who, q.params["id"], size_gb);
    co_return answer(q, grown, volume_view);
}

awaitable<response> attach_volume(request_ctx& q) {
    if (auto visible = co_await q.ctx.vms.get(*q.who, q.params["id"]); !visible)
        co_return problem(visible.error(), q.request_id);
    auto body = json_body(q);
    if (!body)
        co_return problem(body.error(), q.request_id);
    body_fields f(*body);
    const std::string volume_id = f.text("volume_id", true, 64);
    if (auto v = f.done(); !v)
        co_return problem(v.error(), q.request_id);
    auto attached = co_await q.ctx.volumes.attach(*q.who, q.params["id"], volume_id);
    co_return answer(q, attached, volume_view);
}

awaitable<response> create_volume_snapshot(request_ctx& q) {
    if (auto visible = co_await q.ctx.volumes.get(*q.who, q.params["id"]); !visible)
        co_return problem(visible.error(), q.request_id);
    auto name = name_only_body(q);
    if (!name)
        co_return problem(name.error(), q.request_id);
    auto made = co_await q.ctx.volumes.create_snapshot(*q.who, q.params["id"], std::move(*name));
    if (!made)
        co_return problem(made.error(), q.request_id);
    co_return created(q, volume_snapshot_view(*made), "/api/v1/volumes/" + q.params["id"] + "/snapshots");
}

awaitable<response> export_volume(request_ctx& q) {
    if (auto visible = co_await q.ctx.volumes.get(*q.who, q.params["id"]); !visible)
        co_return problem(visible.error(), q.request_id);
    auto name = name_only_body(q);
    if (!name)
        co_return problem(name.error(), q.request_id);
    auto started = co_await q.ctx.volumes.export_image(*q.who, q.params["id"], std::move(*name));
    co_return answer(q, started, image_view, http::status::accepted);
}

}  // namespace

void add_volume_routes(router& r) {
    r.add(http::verb::get, "/api/v1/volume-types", "volume:read", [](request_ctx& q) -> awaitable<response> {
        co_return ok(json{{"items", volume_types_view(q.ctx.cfg)}});
    });
    r.add(http::verb::post, "/api/v1/volumes", "volume:create", create_volume);
    r.add(http::verb::get, "/api/v1/volumes", "volume:read", [](request_ctx& q) -> awaitable<response> {
        auto limit = parse_limit(q);
        if (!limit)
            co_return problem(limit.error(), q.request_id);
        auto found = co_await q.ctx.volumes.list(*q.who, q.query["marker"], *limit);
        co_return answer_page(q, found, volume_view, *limit);
    });
    r.add(http::verb::get, "/api/v1/volumes/{id}", "volume:read", [](request_ctx& q) -> awaitable<response> {
        auto found = co_await q.ctx.volumes.get(*q.who, q.params["id"]);
        co_return answer(q, found, volume_view);
    });
    r.add(http::verb::delete_, "/api/v1/volumes/{id}", "volume:delete", [](request_ctx& q) -> awaitable<response> {
        auto done = co_await q.ctx.volumes.remove(*q.who, q.params["id"]);
        co_return no_content(q, done);
    });
    r.add(http::verb::post, "/api/v1/volumes/{id}/actions/extend", "volume:update", extend_volume);
    r.add(http::verb::post, "/api/v1/volumes/{id}/actions/upload-to-image", "image:create", export_volume);
    r.add(http::verb::post, "/api/v1/volumes/{id}/snapshots", "volume:snapshot", create_volume_snapshot);
    r.add(http::verb::get, "/api/v1/volumes/{id}/snapshots", "volume:read", [](request_ctx& q) -> awaitable<response> {
        auto found = co_await q.ctx.volumes.snapshots(*q.who, q.params["id"]);
        co_return answer_page(q, found, volume_snapshot_view, 1000000);
    });
    r.add(http::verb::get, "/api/v1/volumes/{id}/snapshots/{snapshot_id}", "volume:read",
          [](request_ctx& q) -> awaitable<response> {
              auto found = co_await q.ctx.volumes.snapshot(*q.who, q.params["id"], q.params["snapshot_id"]);
              co_return answer(q, found, volume_snapshot_view);
          });
    r.add(http::verb::delete_, "/api/v1/volumes/{id}/snapshots/{snapshot_id}", "volume:snapshot",
          [](request_ctx& q) -> awaitable<response> {
              auto done = co_await q.ctx.volumes.remove_snapshot(*q.who, q.params["id"], q.params["snapshot_id"]);
              co_return no_content(q, done);
          });
    r.add(http::verb::post, "/api/v1/vms/{id}/volumes", "volume:attach", attach_volume);
    r.add(http::verb::delete_, "/api/v1/vms/{id}/volumes/{volume_id}", "volume:attach",
          [](request_ctx& q) -> awaitable<response> {
              if (auto visible = co_await q.ctx.vms.get(*q.who, q.params["id"]); !visible)
                  co_return problem(visible.error(), q.request_id);
              auto detached = co_await q.ctx.volumes.detach(*q.who, q.params["id"], q.params["volume_id"]);
              co_return answer(q, detached, volume_view);
          });
}

}  // namespace kumo::api
