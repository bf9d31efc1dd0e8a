#include "kumo/operations/operations.hpp"

#include "kumo/async/spawn.hpp"
#include "kumo/core/clock.hpp"
#include "kumo/core/ids.hpp"
#include "kumo/core/log.hpp"
#include "kumo/operations/operation_repo.hpp"
#include "kumo/store/lasting_write.hpp"

#include <boost/asio/redirect_error.hpp>

namespace kumo {

json problem_json(const error& e) {
    json j{{"code", errc_name(e.code)}, {"detail", e.detail}};
    if (!e.fields.empty()) {
        j["errors"] = json::array();
        for (const auto& f : e.fields)
            j["errors"].push_back({{"field", f.field}, {"message", f.message}});
    }
    return j;
}

operation operations::make(std::string kind, std::string resource, std::string target_id, std::string project_id,
                           std::string user_id, json params) {
    operation op;
    op.id = new_uuid();
    op.kind = std::move(kind);
    op.resource = std::move(resource);
    op.target_id = std::move(target_id);
    op.project_id = std::move(project_id);
    op.user_id = std::move(user_id);
    op.params = std::move(params);
    op.created_at = op.updated_at = to_rfc3339(system_clock().now());
    return op;
}

void operations::start(operation op, op_task task, bool cancellable) {
    auto ctx = std::make_shared<op_context>(op.id);
    running_[op.id] = running_op{ctx, cancellable};
    const std::string what = "operation " + op.id;
    asio::co_spawn(core_, run(std::move(op), std::move(task), ctx),
                   [what](std::exception_ptr e) { log_task_end("operations", what, e); });
}

awaitable<void> operations::run(operation op, op_task task, std::shared_ptr<op_context> ctx) {
    op.status = op_status::running;
    op.updated_at = to_rfc3339(system_clock().now());
    auto job = [op](sql::database& db) -> result<void> {
        repo::update_operation(db, op);
        return {};
    };
    (void)co_await store_.write(std::move(job));
    bus_.publish({"operation", "updated", op.id, op.project_id, {{"status", "running"}, {"kind", op.kind}}});
    result<void> outcome = make_error(errc::internal, "task did not complete");
    bool crashed = false;
    try {
        outcome = co_await task(*ctx);
    } catch (const std::exception& ex) {
        log::error("operations", "{} {} threw: {}", op.kind, op.id, ex.what());
        outcome = make_error(errc::internal, "internal error while running the operation");
        crashed = true;
    }
    if (crashed)  // outside the handler: no co_await inside a catch block
        for (const auto& release : crash_handlers_)
            co_await release(op);
    op.progress = ctx->progress;
    op.details = ctx->details;
    co_await finish(std::move(op), std::move(outcome));
}

awaitable<void> operations::finish(operation op, result<void> outcome) {
    if (outcome) {
        op.status = op_status::succeeded;
        op.progress = 100;
    } else if (outcome.error().code == errc::cancelled) {
        op.status = op_status::cancelled;
        op.error = problem_json(outcome.error());
    } else {
        op.status = op_status::failed;
        op.error = problem_json(outcome.error());
        log::warn("operations", "{} {} failed: {}", op.kind, op.id, outcome.error().detail);
    }
    op.updated_at = to_rfc3339(system_clock().now());
    auto job = [op](sql::database& db) -> result<void> {
        repo::update_operation(db, op);
        return {};
    };
    const std::string what = "the end of operation " + op.id;
    (void)co_await lasting_write(store_, std::move(job), what);
    running_.erase(op.id);
    bus_.publish({"operation", "updated", op.id, op.project_id, {{"status", to_string(op.status)}, {"kind", op.kind}}});
    wake_waiters(op.id);
}

awaitable<void> operations::report(const op_context& ctx, const std::string& project_id) {
    auto job = [id = ctx.id(), progress = ctx.progress, details = ctx.details](sql::database& db) -> result<void> {
        repo::update_operation_progress(db, id, progress, details, to_rfc3339(system_clock().now()));
        return {};
    };
    (void)co_await store_.write(std::move(job));
    bus_.publish({"operation",
                  "updated",
                  ctx.id(),
                  project_id,
                  {{"status", "running"}, {"progress", ctx.progress}, {"details", ctx.details}}});
}

void operations::wake_waiters(const std::string& id) {
    auto [b, e] = waiters_.equal_range(id);
    for (auto it = b; it != e; ++it)
        it->second->cancel();
    waiters_.erase(b, e);
}

awaitable<result<operation>> operations::wait(const std::string& id, std::chrono::seconds wait) {
    auto load = [this, id]() {
        return store_.read([id](sql::database& db) -> result<operation> {
            auto op = repo::find_operation(db, id);
            if (!op)
                return make_error(errc::not_found, "operation not found");
            return *op;
        });
    };
    auto first = co_await load();
    if (!first || is_final(first->status) || wait.count() <= 0 || !running_.count(id))
        co_return first;
    auto timer = std::make_shared<asio::steady_timer>(core_, wait);
    auto entry = waiters_.emplace(id, timer);
    boost::system::error_code ec;
    co_await timer->async_wait(asio::redirect_error(asio::use_awaitable, ec));
    if (!ec) {  // timed out: our entry is still registered
        for (auto it = waiters_.lower_bound(id); it != waiters_.end() && it->first == id; ++it)
            if (it == entry) {
                waiters_.erase(it);
                break;
            }
    }
    auto awaited = co_await load();
    co_return awaited;
}

awaitable<result<operation>> operations::cancel(const std::string& id) {
    auto it = running_.find(id);
    if (it == running_.end()) {
        auto op = co_await wait(id, std::chrono::seconds(0));
        if (!op)
            co_return op;
        co_return make_error(errc::conflict, "the operation has already ended");
    }
    if (!it->second.cancellable)
        co_return make_error(errc::conflict, "this operation cannot be cancelled");
    it->second.ctx->request_cancel();
    auto awaited = co_await wait(id, std::chrono::seconds(0));
    co_return awaited;
}

awaitable<void> operations::drain(std::chrono::steady_clock::time_point deadline) {
    asio::steady_timer t(core_);
    while (!running_.empty() && std::chrono::steady_clock::now() < deadline) {
        t.expires_after(std::chrono::milliseconds(100));
        boost::system::error_code ec;
        co_await t.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    }
}

awaitable<result<std::vector<operation>>> operations::list(const principal& who, repo::list_query q,
                                                           bool all_projects) {
    q.project_id = who.is_admin() && all_projects ? "" : who.project_id;
    auto job = [q](sql::database& db) -> result<std::vector<operation>> { return repo::list_operations(db, q); };
    auto found = co_await store_.read(std::move(job));
    co_return found;
}

awaitable<result<operation>> operations::get(const principal& who, std::string id, std::chrono::seconds wait) {
    // Visibility first, so nobody can park on another project's operation.
    auto op = co_await this->wait(id, std::chrono::seconds(0));
    if (op && who.can_see(op->project_id) && wait.count() > 0)
        op = co_await this->wait(id, wait);
    if (!op || !who.can_see(op->project_id))
        co_return op ? make_error(errc::not_found, "operation not found") : op.error();
    co_return op;
}

awaitable<result<operation>> operations::cancel(const principal& who, std::string id) {
    auto op = co_await wait(id, std::chrono::seconds(0));
    if (!op || !who.can_see(op->project_id))
        co_return make_error(errc::not_found, "operation not found");
    auto cancelled = co_await cancel(op->id);
    co_return cancelled;
}

json operation_view(const operation& op) {
    return json{{"id", op.id},
                {"kind", op.kind},
                {"status", to_string(op.status)},
                {"progress", op.progress},
                {"details", op.details},
                {"resource", op.resource},
                {"error", op.error ? *op.error : json(nullptr)},
                {"created_at", op.created_at},
                {"updated_at", op.updated_at},
                {"project_id", op.project_id},
                {"user_id", op.user_id}};
}

}  // namespace kumo
