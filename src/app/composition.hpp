#pragma once
// The composition root: the foundations every module shares and the modules, in dependency order (each
// is built from the ones above it). Adding a module is one member here and one entry in modules().
#include "kumo/cli/commands.hpp"
#include "kumo/compute/module.hpp"
#include "kumo/host/module.hpp"
#include "kumo/hypervisor/hypervisor.hpp"
#include "kumo/identity/module.hpp"
#include "kumo/image/module.hpp"
#include "kumo/scheduler/module.hpp"
#include "kumo/ssh/ssh.hpp"
#include "kumo/storage/module.hpp"
#include "system_routes.hpp"

#include <vector>

namespace kumo {

// Executors, the store, events and operations, the libvirt driver and Kumo's SSH identity. Destroyed in
// reverse: the driver and its event thread after the modules closed their host connections.
struct foundations {
    foundations(const config& c, std::unique_ptr<sql::database> db, std::unique_ptr<hypervisor_driver> drv)
        : cfg(c),
          st(std::move(db)),
          ops(core, st, bus),
          driver(std::move(drv)),
          trust(c.data_dir + "/ssh"),
          plat{cfg, core, blocking, st, bus, ops, tasks} {}
    const config& cfg;
    asio::io_context core{1};
    asio::thread_pool blocking{2};
    store st;
    event_bus bus;
    operations ops;
    background_tasks tasks{core};
    std::unique_ptr<hypervisor_driver> driver;
    ssh_trust trust;
    platform plat;
};

struct modules {
    modules(foundations& f, token_keys keys, std::string audit_key);
    std::vector<module*> all() { return {&identity, &image, &host, &scheduler, &storage, &compute}; }

    identity_module identity;
    image_module image;
    host_module host;
    scheduler_module scheduler;
    storage_module storage;
    compute_module compute;
};

// The modules' CLI commands, in the same order (a noun two modules share, like `host`, is asked of the
// lower one first).
std::vector<cli::command_set> cli_commands();

// Applies the shared schema history and every module's migrations, then opens each module.
result<void> open_modules(foundations& f, modules& m);

// The policy table and the route table of the whole daemon: its own routes (system, operations, the
// events stream's permission) and every module's. `system` must outlive the router.
api::router build_router(foundations& f, modules& m, api::system_api& system);

}  // namespace kumo
