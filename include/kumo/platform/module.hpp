#pragma once
// The contract between the daemon's composition root (src/app) and its modules: what the daemon gives
// every module (its foundations: the executors, the store, the event bus, operations, the
// configuration), and what a module gives the daemon through its one entry point, a `module`.
//
// Start-up, in the order the composition root lists the modules: every module is constructed (no I/O;
// a module registers its hooks on the modules below it here), then the daemon applies every module's
// migrations(), calls open() on each, adds its permissions() to the policy table and its routes to the
// router, starts listening, and awaits each module's start() in turn. SIGTERM calls stop() on each, in
// reverse order.
#include "kumo/async/async.hpp"
#include "kumo/async/background_tasks.hpp"
#include "kumo/core/config.hpp"
#include "kumo/http/router.hpp"
#include "kumo/identity/policy.hpp"
#include "kumo/operations/event_bus.hpp"
#include "kumo/operations/operations.hpp"
#include "kumo/store/schema.hpp"
#include "kumo/store/store.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/thread_pool.hpp>
#include <span>
#include <string_view>
#include <vector>

namespace kumo {

struct platform {
    const config& cfg;
    asio::io_context& core;       // the one thread that owns mutable daemon state
    asio::thread_pool& blocking;  // hashing, qemu-img, ISO building, file copies
    store& db;
    event_bus& bus;
    operations& ops;
    background_tasks& tasks;  // work that outlives its request (imports, exports); drained on SIGTERM
};

class module {
public:
    virtual ~module() = default;
    virtual std::string_view name() const = 0;
    // The module's schema migrations, numbered after the shared history (kumo/store/schema.hpp).
    virtual std::vector<sql::migration> migrations() const { return {}; }
    // The module's rows of the policy table.
    virtual std::span<const permission_rule> permissions() const = 0;
    virtual void add_routes(api::router& r) = 0;
    // Before the server listens, on the start-up thread: first-start work on the migrated database.
    // Errors stop the daemon.
    virtual result<void> open() { return {}; }
    // Runs once the server listens, after the modules before it: start-up work (awaited), and the loops
    // the module spawns (ended by stop()).
    virtual awaitable<void> start() { co_return; }
    virtual void stop() {}
};

}  // namespace kumo
