#include "image_routes.hpp"
#include "kumo/http/body_fields.hpp"

namespace kumo::api {
namespace {

// Fields shared by create and update; `creating` makes name required.
struct image_fields {
    std::optional<std::string> name, visibility;
    std::optional<bool> is_protected;
    std::optional<int> min_ram_mb, min_disk_gb;
    std::optional<std::map<std::string, std::string>> properties;
};

image_fields read_common(body_fields& f, bool creating) {
    image_fields out;
    if (creating || f.present("name"))
        out.name = f.name("name", creating);
    if (f.present("visibility"))
        out.visibility = f.text("visibility", false, 16);
    if (f.present("protected"))
        out.is_protected = f.boolean("protected", false);
    if (f.present("min_ram_mb"))
        out.min_ram_mb = static_cast<int>(f.integer("min_ram_mb", false, 0, 4 * 1024 * 1024, 0));
    if (f.present("min_disk_gb"))
        out.min_disk_gb = static_cast<int>(f.integer("min_disk_gb", false, 0, 65536, 0));
    if (f.present("properties"))
        out.properties = f.string_map("properties");
    return out;
}

awaitable<result<response>> create_image(image_store& images, request_ctx& q) {
    KUMO_CO_TRY(const json body, json_body(q));
    body_fields f(body);
    image_fields common = read_common(f, true);
    image_create_request req;
    req.disk_format = f.text("disk_format", false, 16);
    if (f.present("container_format"))
        req.container_format = f.text("container_format", false, 16);
    req.expected_sha256 = f.text("expected_sha256", false, 64);
    KUMO_CO_TRY_VOID(f.done());
    req.name = *common.name;
    req.visibility = common.visibility.value_or("private");
    req.is_protected = common.is_protected.value_or(false);
    req.min_ram_mb = common.min_ram_mb.value_or(0);
    req.min_disk_gb = common.min_disk_gb.value_or(0);
    req.properties = common.properties.value_or(std::map<std::string, std::string>{});
    KUMO_CO_TRY(const image made, co_await images.create(*q.who, std::move(req)));
    co_return created(q, image_view(made), "/api/v1/images");
}

awaitable<result<response>> update_image(image_store& images, request_ctx& q) {
    KUMO_CO_TRY(const json body, json_body(q));
    body_fields f(body);
    image_fields common = read_common(f, false);
    KUMO_CO_TRY_VOID(f.done());
    image_update u{common.name,       common.visibility,  common.is_protected,
                   common.min_ram_mb, common.min_disk_gb, common.properties};
    KUMO_CO_TRY(const image changed, co_await images.update(*q.who, q.params["id"], std::move(u)));
    co_return ok(image_view(changed));
}

awaitable<result<response>> upload_image(image_store& images, request_ctx& q) {
    KUMO_CO_TRY_VOID(co_await images.get(*q.who, q.params["id"]));
    if (!q.content_type.empty() && q.content_type.rfind("application/octet-stream", 0) != 0)
        co_return make_error(errc::bad_request, "upload with Content-Type: application/octet-stream");
    KUMO_CO_TRY(const image stored, co_await images.upload(*q.who, q.params["id"], *q.body_stream));
    co_return ok(image_view(stored));
}

awaitable<result<response>> import_image(image_store& images, request_ctx& q) {
    KUMO_CO_TRY(const json body, json_body(q));
    body_fields f(body);
    std::string url = f.text("url", true, 4096);
    KUMO_CO_TRY_VOID(f.done());
    KUMO_CO_TRY(const image started, co_await images.import(*q.who, q.params["id"], std::move(url)));
    co_return ok(image_view(started), http::status::accepted);
}

awaitable<result<response>> download_image(image_store& images, request_ctx& q) {
    KUMO_CO_TRY(const image i, co_await images.get(*q.who, q.params["id"]));
    KUMO_CO_TRY(std::string path, co_await images.file_for_download(*q.who, q.params["id"]));
    response r;
    r.file = std::move(path);
    r.content_type = "application/octet-stream";
    r.headers.emplace_back("Content-MD5", i.md5);  // hex, as Glance sends it
    r.headers.emplace_back("X-Image-Sha256", i.sha256);
    co_return r;
}

awaitable<result<response>> list_images(image_store& images, request_ctx& q) {
    KUMO_CO_TRY(const int limit, parse_limit(q));
    KUMO_CO_TRY(const auto found, co_await images.list(*q.who, q.query["marker"], limit, q.query["name"]));
    co_return page_of(found, image_view, limit);
}

awaitable<result<response>> get_image(image_store& images, request_ctx& q) {
    KUMO_CO_TRY(const image found, co_await images.get(*q.who, q.params["id"]));
    co_return ok(image_view(found));
}

awaitable<result<response>> delete_image(image_store& images, request_ctx& q) {
    KUMO_CO_TRY_VOID(co_await images.remove(*q.who, q.params["id"]));
    co_return no_content();
}

awaitable<result<response>> list_members(image_store& images, request_ctx& q) {
    KUMO_CO_TRY(const auto found, co_await images.members(*q.who, q.params["id"]));
    json items = json::array();
    for (const auto& p : found)
        items.push_back(json{{"project_id", p}});
    co_return ok(json{{"items", items}});
}

awaitable<result<response>> add_member(image_store& images, request_ctx& q) {
    KUMO_CO_TRY_VOID(co_await images.add_member(*q.who, q.params["id"], q.params["project_id"]));
    co_return no_content();
}

awaitable<result<response>> remove_member(image_store& images, request_ctx& q) {
    KUMO_CO_TRY_VOID(co_await images.remove_member(*q.who, q.params["id"], q.params["project_id"]));
    co_return no_content();
}

}  // namespace

void add_image_routes(router& r, image_store& images) {
    r.add(http::verb::post, "/api/v1/images", "image:create", with(images, create_image));
    r.add(http::verb::get, "/api/v1/images", "image:read", with(images, list_images));
    r.add(http::verb::get, "/api/v1/images/{id}", "image:read", with(images, get_image));
    r.add(http::verb::patch, "/api/v1/images/{id}", "image:update", with(images, update_image));
    r.add(http::verb::delete_, "/api/v1/images/{id}", "image:delete", with(images, delete_image));
    r.add_streaming(http::verb::put, "/api/v1/images/{id}/file", "image:upload", with(images, upload_image));
    r.add(http::verb::get, "/api/v1/images/{id}/file", "image:read", with(images, download_image));
    r.add(http::verb::post, "/api/v1/images/{id}/import", "image:upload", with(images, import_image));
    r.add(http::verb::get, "/api/v1/images/{id}/members", "image:share", with(images, list_members));
    r.add(http::verb::put, "/api/v1/images/{id}/members/{project_id}", "image:share", with(images, add_member));
    r.add(http::verb::delete_, "/api/v1/images/{id}/members/{project_id}", "image:share", with(images, remove_member));
}

}  // namespace kumo::api
