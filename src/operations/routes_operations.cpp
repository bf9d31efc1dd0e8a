#include "kumo/http/body_fields.hpp"
#include "kumo/operations/routes.hpp"

#include <charconv>

namespace kumo::api {
namespace {

awaitable<result<response>> list_operations(operations& ops, request_ctx& q) {
    KUMO_CO_TRY(const int limit, parse_limit(q));
    repo::list_query lq{limit, q.query["marker"], "", q.query["status"], "", ""};
    KUMO_CO_TRY(const auto found, co_await ops.list(*q.who, std::move(lq), q.query["all_projects"] == "true"));
    co_return page_of(found, operation_view, limit);
}

awaitable<result<response>> get_operation(operations& ops, request_ctx& q) {
    int wait = 0;
    if (auto it = q.query.find("wait"); it != q.query.end()) {
        auto [p, ec] = std::from_chars(it->second.data(), it->second.data() + it->second.size(), wait);
        if (ec != std::errc() || p != it->second.data() + it->second.size() || wait < 0 || wait > 300)
            co_return validation_error("wait", "must be an integer between 0 and 300");
    }
    KUMO_CO_TRY(const operation op, co_await ops.get(*q.who, q.params["id"], std::chrono::seconds(wait)));
    co_return ok(operation_view(op));
}

awaitable<result<response>> cancel_operation(operations& ops, request_ctx& q) {
    KUMO_CO_TRY(const operation op, co_await ops.cancel(*q.who, q.params["id"]));
    co_return ok(operation_view(op), http::status::accepted);
}

}  // namespace

void add_operation_routes(router& r, operations& ops) {
    r.add(http::verb::get, "/api/v1/operations", "operation:read", with(ops, list_operations));
    r.add(http::verb::get, "/api/v1/operations/{id}", "operation:read", with(ops, get_operation));
    r.add(http::verb::delete_, "/api/v1/operations/{id}", "operation:cancel", with(ops, cancel_operation));
}

}  // namespace kumo::api
