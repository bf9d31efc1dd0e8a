#pragma once
// The storage module's entry point (src/storage/README.md): the hosts' pools and image caches, volumes,
// volume snapshots, volume types, exports into the image store.
#include "kumo/host/host_registry.hpp"
#include "kumo/identity/project_resources.hpp"
#include "kumo/image/image_store.hpp"
#include "kumo/platform/module.hpp"
#include "kumo/storage/host_storage.hpp"
#include "kumo/storage/volumes.hpp"

#include <memory>

namespace kumo {

class storage_module final : public module {
public:
    // Counts the projects' volumes and volume_gb in `projects`; tells `images` which images volumes
    // still start from.
    storage_module(platform& p, host_registry& hosts, image_store& images, project_resources& projects);
    ~storage_module() override;

    host_storage& pools();
    volume_service& volumes();

    std::string_view name() const override { return "storage"; }
    std::span<const permission_rule> permissions() const override;
    void add_routes(api::router& r) override;
    // Collects unused cached images on every up host every reconcile_interval_s.
    awaitable<void> start() override;
    void stop() override;

private:
    struct parts;
    std::unique_ptr<parts> parts_;
};

}  // namespace kumo
