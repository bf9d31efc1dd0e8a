#include "kumo/http/router.hpp"
#include "kumo/operations/operation_repo.hpp"
#include "kumo/operations/operations.hpp"
#include "kumo/store/list_query.hpp"

#include <charconv>

namespace kumo::api {
namespace {

awaitable<response> get_operation(request_ctx& q) {
    int wait = 0;
    if (auto it = q.query.find("wait"); it != q.query.end()) {
        auto [p, ec] = std::from_chars(it->second.data(), it->second.data() + it->second.size(), wait);
        if (ec != std::errc() || p != it->second.data() + it->second.size() || wait < 0 || wait > 300)
            co_return problem(validation_error("wait", "must be an integer between 0 and 300"), q.request_id);
    }
    // Check visibility before waiting, so nobody can park on another project's operation.
    auto op = co_await q.ctx.ops.wait(q.params["id"], std::chrono::seconds(0));
    if (op && q.who->can_see(op->project_id) && wait > 0)
        op = co_await q.ctx.ops.wait(q.params["id"], std::chrono::seconds(wait));
    if (!op || !q.who->can_see(op->project_id))
        co_return problem(op ? make_error(errc::not_found, "operation not found") : op.error(), q.request_id);
    co_return ok(operation_view(*op));
}

}  // namespace

void add_operation_routes(router& r) {
    r.add(http::verb::get, "/api/v1/operations", "operation:read", [](request_ctx& q) -> awaitable<response> {
        auto limit = parse_limit(q);
        if (!limit)
            co_return problem(limit.error(), q.request_id);
        repo::list_query lq{*limit, q.query["marker"], "", q.query["status"], "", q.who->project_id};
        if (q.who->is_admin() && q.query["all_projects"] == "true")
            lq.project_id.clear();
        auto job = [lq](sql::database& db) -> result<std::vector<operation>> { return repo::list_operations(db, lq); };
        auto found = co_await q.ctx.db.read(std::move(job));
        if (!found)
            co_return problem(found.error(), q.request_id);
        json items = json::array();
        for (const auto& op : *found)
            items.push_back(operation_view(op));
        co_return page(std::move(items), *limit);
    });
    r.add(http::verb::get, "/api/v1/operations/{id}", "operation:read", get_operation);
    r.add(http::verb::delete_, "/api/v1/operations/{id}", "operation:cancel",
          [](request_ctx& q) -> awaitable<response> {
              auto op = co_await q.ctx.ops.wait(q.params["id"], std::chrono::seconds(0));
              if (!op || !q.who->can_see(op->project_id))
                  co_return problem(make_error(errc::not_found, "operation not found"), q.request_id);
              auto cancelled = co_await q.ctx.ops.cancel(op->id);
              if (!cancelled)
                  co_return problem(cancelled.error(), q.request_id);
              co_return ok(operation_view(*cancelled), http::status::accepted);
          });
}

}  // namespace kumo::api
