// /volume-types, /volumes and their snapshots and exports.
#include "kumo/http/body_fields.hpp"
#include "kumo/image/image_store.hpp"
#include "storage_routes.hpp"

namespace kumo::api {
namespace {

awaitable<result<response>> list_volume_types(storage_api& x, request_ctx&) {
    co_return ok(json{{"items", volume_types_view(x.cfg)}});
}

awaitable<result<response>> create_volume(storage_api& x, request_ctx& q) {
    KUMO_CO_TRY(const json body, json_body(q));
    body_fields f(body);
    volume_create_request req;
    req.name = f.name("name", true);
    if (f.present("size_gb"))
        req.size_gb = static_cast<int>(f.integer("size_gb", true, 1, 65536, 1));
    req.image_id = f.text("image_id", false, 64);
    req.snapshot_id = f.text("snapshot_id", false, 64);
    req.volume_type = f.text("volume_type", false, 64);
    KUMO_CO_TRY_VOID(f.done());
    KUMO_CO_TRY(const volume made, co_await x.volumes.create(*q.who, std::move(req)));
    co_return created(q, volume_view(made), "/api/v1/volumes");
}

awaitable<result<response>> list_volumes(storage_api& x, request_ctx& q) {
    KUMO_CO_TRY(const int limit, parse_limit(q));
    KUMO_CO_TRY(const auto found, co_await x.volumes.list(*q.who, q.query["marker"], limit, q.query["name"]));
    co_return page_of(found, volume_view, limit);
}

awaitable<result<response>> get_volume(storage_api& x, request_ctx& q) {
    KUMO_CO_TRY(const volume found, co_await x.volumes.get(*q.who, q.params["id"]));
    co_return ok(volume_view(found));
}

awaitable<result<response>> delete_volume(storage_api& x, request_ctx& q) {
    KUMO_CO_TRY_VOID(co_await x.volumes.remove(*q.who, q.params["id"]));
    co_return no_content();
}

awaitable<result<response>> extend_volume(storage_api& x, request_ctx& q) {
    KUMO_CO_TRY(const json body, json_body(q));
    body_fields f(body);
    const int size_gb = static_cast<int>(f.integer("size_gb", true, 1, 65536, 1));
    KUMO_CO_TRY_VOID(f.done());
    KUMO_CO_TRY(const volume grown, co_await x.volumes.extend(*q.who, q.params["id"], size_gb));
    co_return ok(volume_view(grown));
}

awaitable<result<response>> create_volume_snapshot(storage_api& x, request_ctx& q) {
    KUMO_CO_TRY_VOID(co_await x.volumes.get(*q.who, q.params["id"]));
    KUMO_CO_TRY(std::string name, name_only_body(q));
    KUMO_CO_TRY(const volume_snapshot made,
                co_await x.volumes.create_snapshot(*q.who, q.params["id"], std::move(name)));
    co_return created(q, volume_snapshot_view(made), "/api/v1/volumes/" + q.params["id"] + "/snapshots");
}

awaitable<result<response>> list_volume_snapshots(storage_api& x, request_ctx& q) {
    KUMO_CO_TRY(const auto found, co_await x.volumes.snapshots(*q.who, q.params["id"]));
    co_return all_of(found, volume_snapshot_view);
}

awaitable<result<response>> get_volume_snapshot(storage_api& x, request_ctx& q) {
    KUMO_CO_TRY(const volume_snapshot found,
                co_await x.volumes.snapshot(*q.who, q.params["id"], q.params["snapshot_id"]));
    co_return ok(volume_snapshot_view(found));
}

awaitable<result<response>> delete_volume_snapshot(storage_api& x, request_ctx& q) {
    KUMO_CO_TRY_VOID(co_await x.volumes.remove_snapshot(*q.who, q.params["id"], q.params["snapshot_id"]));
    co_return no_content();
}

awaitable<result<response>> export_volume(storage_api& x, request_ctx& q) {
    KUMO_CO_TRY_VOID(co_await x.volumes.get(*q.who, q.params["id"]));
    KUMO_CO_TRY(std::string name, name_only_body(q));
    KUMO_CO_TRY(const image started, co_await x.volumes.export_image(*q.who, q.params["id"], std::move(name)));
    co_return ok(image_view(started), http::status::accepted);
}

}  // namespace

void add_volume_routes(router& r, storage_api& x) {
    r.add(http::verb::get, "/api/v1/volume-types", "volume:read", with(x, list_volume_types));
    r.add(http::verb::post, "/api/v1/volumes", "volume:create", with(x, create_volume));
    r.add(http::verb::get, "/api/v1/volumes", "volume:read", with(x, list_volumes));
    r.add(http::verb::get, "/api/v1/volumes/{id}", "volume:read", with(x, get_volume));
    r.add(http::verb::delete_, "/api/v1/volumes/{id}", "volume:delete", with(x, delete_volume));
    r.add(http::verb::post, "/api/v1/volumes/{id}/actions/extend", "volume:update", with(x, extend_volume));
    r.add(http::verb::post, "/api/v1/volumes/{id}/actions/upload-to-image", "image:create", with(x, export_volume));
    r.add(http::verb::post, "/api/v1/volumes/{id}/snapshots", "volume:snapshot", with(x, create_volume_snapshot));
    r.add(http::verb::get, "/api/v1/volumes/{id}/snapshots", "volume:read", with(x, list_volume_snapshots));
    r.add(http::verb::get, "/api/v1/volumes/{id}/snapshots/{snapshot_id}", "volume:read", with(x, get_volume_snapshot));
    r.add(http::verb::delete_, "/api/v1/volumes/{id}/snapshots/{snapshot_id}", "volume:snapshot",
          with(x, delete_volume_snapshot));
}

}  // namespace kumo::api
