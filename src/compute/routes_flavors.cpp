#include "compute_views.hpp"
#include "kumo/core/clock.hpp"
#include "kumo/core/ids.hpp"
#include "kumo/http/router.hpp"
#include "kumo/store/list_query.hpp"
#include "vm_repo.hpp"

namespace kumo::api {
namespace {

awaitable<response> create_flavor(request_ctx& q) {
    auto body = json_body(q);
    if (!body)
        co_return problem(body.error(), q.request_id);
    body_fields f(*body);
    flavor fl;
    fl.name = f.name("name", true);
    fl.vcpus = static_cast<int>(f.integer("vcpus", true, 1, 256, 1));
    fl.ram_mb = static_cast<int>(f.integer("ram_mb", true, 16, 4 * 1024 * 1024, 512));
    fl.disk_gb = static_cast<int>(f.integer("disk_gb", false, 0, 65536, 0));
    fl.ephemeral_gb = static_cast<int>(f.integer("ephemeral_gb", false, 0, 65536, 0));
    fl.extra_specs = f.string_map("extra_specs");
    if (auto v = f.done(); !v)
        co_return problem(v.error(), q.request_id);
    fl.id = new_uuid();
    fl.created_at = fl.updated_at = to_rfc3339(system_clock().now());
    auto job = [fl](sql::database& db) -> result<void> {
        repo::insert_flavor(db, fl);
        return {};
    };
    auto saved = co_await q.ctx.db.write(std::move(job));
    if (!saved)
        co_return problem(saved.error(), q.request_id);
    q.ctx.bus.publish({"flavor", "created", fl.id, "", flavor_view(fl)});
    response resp = ok(flavor_view(fl), http::status::created);
    resp.headers.emplace_back("Location", "/api/v1/flavors/" + fl.id);
    co_return resp;
}

}  // namespace

void add_flavor_routes(router& r) {
    r.add(http::verb::post, "/api/v1/flavors", "flavor:create", create_flavor);
    r.add(http::verb::get, "/api/v1/flavors", "flavor:read", [](request_ctx& q) -> awaitable<response> {
        auto limit = parse_limit(q);
        if (!limit)
            co_return problem(limit.error(), q.request_id);
        repo::list_query lq{*limit, q.query["marker"], q.query["name"], "", "", ""};
        auto job = [lq](sql::database& db) -> result<std::vector<flavor>> { return repo::list_flavors(db, lq); };
        auto found = co_await q.ctx.db.read(std::move(job));
        if (!found)
            co_return problem(found.error(), q.request_id);
        json items = json::array();
        for (const auto& f : *found)
            items.push_back(flavor_view(f));
        co_return page(std::move(items), *limit);
    });
    r.add(http::verb::get, "/api/v1/flavors/{id}", "flavor:read", [](request_ctx& q) -> awaitable<response> {
        auto job = [id = q.params["id"]](sql::database& db) -> result<std::optional<flavor>> {
            return repo::find_flavor(db, id);
        };
        auto found = co_await q.ctx.db.read(std::move(job));
        if (!found)
            co_return problem(found.error(), q.request_id);
        if (!*found)
            co_return problem(make_error(errc::not_found, "flavor not found"), q.request_id);
        co_return ok(flavor_view(**found));
    });
    r.add(http::verb::delete_, "/api/v1/flavors/{id}", "flavor:delete", [](request_ctx& q) -> awaitable<response> {
        auto job = [id = q.params["id"]](sql::database& db) -> result<void> {
            if (repo::flavor_in_use(db, id))
                return make_error(errc::conflict, "the flavor is used by VMs");
            if (!repo::delete_flavor(db, id))
                return make_error(errc::not_found, "flavor not found");
            return {};
        };
        auto done = co_await q.ctx.db.write(std::move(job));
        if (!done)
            co_return problem(done.error(), q.request_id);
        q.ctx.bus.publish({"flavor", "deleted", q.params["id"], "", json{{"id", q.params["id"]}}});
        co_return response{http::status::no_content, nullptr, {}, "application/json", std::string()};
    });
}

}  // namespace kumo::api
