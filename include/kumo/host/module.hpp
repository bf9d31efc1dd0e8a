#pragma once
// The host module's entry point (src/host/README.md): the registry of connected hosts, SSH enrollment
// and trust, the pool's baseline CPU, each host's capacity, allocation settings and claims.
#include "kumo/host/host_directory.hpp"
#include "kumo/host/host_registry.hpp"
#include "kumo/platform/module.hpp"

#include <memory>

namespace kumo {

class host_module final : public module {
public:
    // `driver` and `trust` (the libvirt adapter, Kumo's SSH identity) must outlive the module.
    host_module(platform& p, hypervisor_driver& driver, ssh_trust& trust);
    ~host_module() override;

    host_registry& registry();
    host_directory& directory();

    std::string_view name() const override { return "host"; }
    std::span<const permission_rule> permissions() const override;
    void add_routes(api::router& r) override;
    // With --simulate N: registers the simulated hosts not yet stored.
    result<void> open() override;
    // Connects to every stored host (awaits each first attempt); on a daemon without hosts and not
    // simulating, registers qemu:///system when it answers (register_local_host).
    awaitable<void> start() override;
    void stop() override;

private:
    struct parts;
    std::unique_ptr<parts> parts_;
};

}  // namespace kumo
