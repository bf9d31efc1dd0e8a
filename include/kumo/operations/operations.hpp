#pragma once
// Long-running work as persisted operation objects (API.md). Runs on the core thread.
// Each task is a coroutine owned by this service: it can be cancelled, and drain() waits for all.
#include "kumo/identity/model.hpp"
#include "kumo/operations/event_bus.hpp"
#include "kumo/operations/operation.hpp"
#include "kumo/store/list_query.hpp"
#include "kumo/store/store.hpp"

#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <vector>

namespace kumo {

class op_context {
public:
    explicit op_context(std::string id) : id_(std::move(id)) {}
    const std::string& id() const { return id_; }
    bool cancelled() const { return cancelled_; }
    void request_cancel() { cancelled_ = true; }
    int progress = 0;
    json details = json::object();

private:
    std::string id_;
    bool cancelled_ = false;
};

// A task's body. It returns an error to fail the operation; errc::cancelled marks it cancelled.
using op_task = std::function<awaitable<result<void>>(op_context&)>;

class operations {
public:
    operations(asio::io_context& core, store& db, event_bus& bus) : core_(core), store_(db), bus_(bus) {}

    // A new pending operation, not yet stored: callers insert it in the same transaction as their change.
    static operation make(std::string kind, std::string resource, std::string target_id, std::string project_id,
                          std::string user_id, json params = json::object());

    // Starts running a stored operation. `cancellable` decides whether DELETE /operations/{id} may stop it.
    void start(operation op, op_task task, bool cancellable);

    // Waits up to `wait` for the operation to end, then returns its latest state.
    awaitable<result<operation>> wait(const std::string& id, std::chrono::seconds wait);

    // Requests cancellation. Errors: not_found; conflict when it already ended or cannot be cancelled.
    awaitable<result<operation>> cancel(const std::string& id);

    // As a caller sees them: its project's operations (every project's for an administrator asking for
    // all), one it may see waiting up to `wait` for it to end, cancelling one. Errors: not_found (also
    // for another project's), and cancel's.
    awaitable<result<std::vector<operation>>> list(const principal& who, repo::list_query q, bool all_projects);
    awaitable<result<operation>> get(const principal& who, std::string id, std::chrono::seconds wait);
    awaitable<result<operation>> cancel(const principal& who, std::string id);

    // Stores and publishes the task's current progress and details (call it at a sensible pace).
    awaitable<void> report(const op_context& ctx, const std::string& project_id);

    // What the owner of a resource does when a task on it ends with an exception instead of a result
    // (a bug): undo what the task held, e.g. the VM's task lock, so the resource does not stay locked.
    // Called with the operation, before it is recorded as failed.
    using crash_handler = std::function<awaitable<void>(const operation&)>;
    void on_task_crash(crash_handler h) { crash_handlers_.push_back(std::move(h)); }

    bool busy() const { return !running_.empty(); }
    // Cancels nothing: waits until every running task ends or `deadline` passes (SIGTERM).
    awaitable<void> drain(std::chrono::steady_clock::time_point deadline);

private:
    struct running_op {
        std::shared_ptr<op_context> ctx;
        bool cancellable = false;
    };
    awaitable<void> run(operation op, op_task task, std::shared_ptr<op_context> ctx);
    awaitable<void> finish(operation op, result<void> outcome);
    void wake_waiters(const std::string& id);

    asio::io_context& core_;
    store& store_;
    event_bus& bus_;
    std::map<std::string, running_op> running_;
    std::vector<crash_handler> crash_handlers_;
    std::multimap<std::string, std::shared_ptr<asio::steady_timer>> waiters_;
};

// The API's JSON form of an operation, shared by responses and events.
json operation_view(const operation& op);

// The problem+json object stored in a failed operation.
json problem_json(const error& e);

}  // namespace kumo
