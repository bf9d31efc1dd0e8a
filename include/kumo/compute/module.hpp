#pragma once
// The compute module's entry point (src/compute/README.md): VMs (create, lifecycle, reconciliation,
// snapshots, clones, console logs, their own disks and attached volumes), flavors, key pairs,
// migration, and the host actions that move VMs (maintenance, removal).
#include "kumo/host/host_directory.hpp"
#include "kumo/host/host_registry.hpp"
#include "kumo/identity/project_resources.hpp"
#include "kumo/image/image_store.hpp"
#include "kumo/platform/module.hpp"
#include "kumo/scheduler/placement.hpp"
#include "kumo/storage/host_storage.hpp"
#include "kumo/storage/volumes.hpp"

#include <memory>

namespace kumo {

// What compute uses from the modules below it; it registers its hooks on them when it is built (VMs
// count in quotas and keep their projects, images, cached images and server groups; a host's
// connections are reconciled with its VMs).
struct compute_needs {
    project_resources& projects;
    host_registry& hosts;
    host_directory& host_views;
    image_store& images;
    host_storage& pools;
    volume_service& volumes;
    placement& placer;
};

class compute_module final : public module {
public:
    compute_module(platform& p, compute_needs needs);
    ~compute_module() override;

    std::string_view name() const override { return "compute"; }
    std::span<const permission_rule> permissions() const override;
    void add_routes(api::router& r) override;
    // Resumes the operations a previous daemon left unfinished, then reconciles every up host's VMs
    // every reconcile_interval_s.
    awaitable<void> start() override;
    void stop() override;

private:
    struct parts;
    std::unique_ptr<parts> parts_;
};

}  // namespace kumo
