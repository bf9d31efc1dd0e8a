#include "kumo/host/module.hpp"

#include "host_routes.hpp"
#include "kumo/core/log.hpp"
#include "kumo/host/permissions.hpp"
#include "simulated_hosts.hpp"

namespace kumo {

struct host_module::parts {
    parts(platform& p, hypervisor_driver& driver, ssh_trust& trust)
        : cfg(p.cfg),
          db(p.db),
          registry(p.core, p.db, p.bus, driver, trust, p.cfg),
          directory(p.db, p.bus, registry, p.cfg),
          routes{registry, directory} {}
    const config& cfg;
    store& db;
    host_registry registry;
    host_directory directory;
    api::host_api routes;
};

host_module::host_module(platform& p, hypervisor_driver& driver, ssh_trust& trust)
    : parts_(std::make_unique<parts>(p, driver, trust)) {}

host_module::~host_module() = default;

host_registry& host_module::registry() {
    return parts_->registry;
}

host_directory& host_module::directory() {
    return parts_->directory;
}

std::span<const permission_rule> host_module::permissions() const {
    return host_permissions();
}

void host_module::add_routes(api::router& r) {
    api::add_host_routes(r, parts_->routes);
}

result<void> host_module::open() {
    if (parts_->cfg.simulate == 0)
        return {};
    return register_simulated_hosts(parts_->db.unsafe_direct(), parts_->cfg);
}

awaitable<void> host_module::start() {
    auto& hosts = parts_->registry;
    co_await hosts.start();
    if (parts_->cfg.simulate != 0 || !parts_->cfg.register_local_host || !hosts.hosts().empty())
        co_return;
    // Named first: GCC 12 destroys prvalue arguments of a coroutine inside co_await twice.
    std::string name = "local", uri = "qemu:///system", no_fingerprint, no_address;
    auto local = co_await hosts.add(std::move(name), std::move(uri), std::move(no_fingerprint), std::move(no_address));
    if (local)
        log::info("daemon", "registered the local host (qemu:///system)");
    else
        log::warn("daemon", "no hosts: qemu:///system did not answer ({}). Add one with `kumo host add NAME URI`",
                  local.error().detail);
}

void host_module::stop() {
    parts_->registry.stop();
}

}  // namespace kumo
