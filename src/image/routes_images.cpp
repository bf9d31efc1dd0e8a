#include "kumo/http/router.hpp"

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

awaitable<response> create_image(request_ctx& q) {
    auto body = json_body(q);
    if (!body)
        co_return problem(body.error(), q.request_id);
    body_fields f(*body);
    image_fields common = read_common(f, true);
    image_create_request req;
    req.disk_format = f.text("disk_format", false, 16);
    if (f.present("container_format"))
        req.container_format = f.text("container_format", false, 16);
    req.expected_sha256 = f.text("expected_sha256", false, 64);
    if (auto v = f.done(); !v)
        co_return problem(v.error(), q.request_id);
    req.name = *common.name;
    req.visibility = common.visibility.value_or("private");
    req.is_protected = common.is_protected.value_or(false);
    req.min_ram_mb = common.min_ram_mb.value_or(0);
    req.min_disk_gb = common.min_disk_gb.value_or(0);
    req.properties = common.properties.value_or(std::map<std::string, std::string>{});
    auto made = co_await q.ctx.images.create(*q.who, std::move(req));
    if (!made)
        co_return problem(made.error(), q.request_id);
    co_return created(q, image_view(*made), "/api/v1/images");
}

awaitable<response> update_image(request_ctx& q) {
    auto body = json_body(q);
    if (!body)
        co_return problem(body.error(), q.request_id);
    body_fields f(*body);
    image_fields common = read_common(f, false);
    if (auto v = f.done(); !v)
        co_return problem(v.error(), q.request_id);
    image_update u{common.name,       common.visibility,  common.is_protected,
                   common.min_ram_mb, common.min_disk_gb, common.properties};
    auto changed = co_await q.ctx.images.update(*q.who, q.params["id"], std::move(u));
    co_return answer(q, changed, image_view);
}

awaitable<response> upload_image(request_ctx& q) {
    if (auto visible = co_await q.ctx.images.get(*q.who, q.params["id"]); !visible)
        co_return problem(visible.error(), q.request_id);
    if (!q.content_type.empty() && q.content_type.rfind("application/octet-stream", 0) != 0)
        co_return problem(make_error(errc::bad_request, "upload with Content-Type: application/octet-stream"),
                          q.request_id);
    auto stored = co_await q.ctx.images.upload(*q.who, q.params["id"], *q.body_stream);
    co_return answer(q, stored, image_view);
}

awaitable<response> import_image(request_ctx& q) {
    auto body = json_body(q);
    if (!body)
        co_return problem(body.error(), q.request_id);
    body_fields f(*body);
    std::string url = f.text("url", true, 4096);
    if (auto v = f.done(); !v)
        co_return problem(v.error(), q.request_id);
    auto started = co_await q.ctx.images.import(*q.who, q.params["id"], std::move(url));
    co_return answer(q, started, image_view, http::status::accepted);
}

awaitable<response> download_image(request_ctx& q) {
    auto i = co_await q.ctx.images.get(*q.who, q.params["id"]);
    if (!i)
        co_return problem(i.error(), q.request_id);
    auto path = co_await q.ctx.images.file_for_download(*q.who, q.params["id"]);
    if (!path)
        co_return problem(path.error(), q.request_id);
    response r;
    r.file = *path;
    r.content_type = "application/octet-stream";
    r.headers.emplace_back("Content-MD5", i->md5);  // hex, as Glance sends it
    r.headers.emplace_back("X-Image-Sha256", i->sha256);
    co_return r;
}

awaitable<response> list_members(request_ctx& q) {
    auto found = co_await q.ctx.images.members(*q.who, q.params["id"]);
    if (!found)
        co_return problem(found.error(), q.request_id);
    json items = json::array();
    for (const auto& p : *found)
        items.push_back(json{{"project_id", p}});
    co_return ok(json{{"items", items}});
}

}  // namespace

void add_image_routes(router& r) {
    r.add(http::verb::post, "/api/v1/images", "image:create", create_image);
    r.add(http::verb::get, "/api/v1/images", "image:read", [](request_ctx& q) -> awaitable<response> {
        auto limit = parse_limit(q);
        if (!limit)
            co_return problem(limit.error(), q.request_id);
        auto found = co_await q.ctx.images.list(*q.who, q.query["marker"], *limit);
        co_return answer_page(q, found, image_view, *limit);
    });
    r.add(http::verb::get, "/api/v1/images/{id}", "image:read", [](request_ctx& q) -> awaitable<response> {
        auto found = co_await q.ctx.images.get(*q.who, q.params["id"]);
        co_return answer(q, found, image_view);
    });
    r.add(http::verb::patch, "/api/v1/images/{id}", "image:update", update_image);
    r.add(http::verb::delete_, "/api/v1/images/{id}", "image:delete", [](request_ctx& q) -> awaitable<response> {
        auto done = co_await q.ctx.images.remove(*q.who, q.params["id"]);
        co_return no_content(q, done);
    });
    r.add_streaming(http::verb::put, "/api/v1/images/{id}/file", "image:upload", upload_image);
    r.add(http::verb::get, "/api/v1/images/{id}/file", "image:read", download_image);
    r.add(http::verb::post, "/api/v1/images/{id}/import", "image:upload", import_image);
    r.add(http::verb::get, "/api/v1/images/{id}/members", "image:share", list_members);
    r.add(http::verb::put, "/api/v1/images/{id}/members/{project_id}", "image:share",
          [](request_ctx& q) -> awaitable<response> {
              auto done = co_await q.ctx.images.add_member(*q.who, q.params["id"], q.params["project_id"]);
              co_return no_content(q, done);
          });
    r.add(http::verb::delete_, "/api/v1/images/{id}/members/{project_id}", "image:share",
          [](request_ctx& q) -> awaitable<response> {
              auto done = co_await q.ctx.images.remove_member(*q.who, q.params["id"], q.params["project_id"]);
              co_return no_content(q, done);
          });
}

}  // namespace kumo::api
