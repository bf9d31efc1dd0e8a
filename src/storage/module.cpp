#include "kumo/storage/module.hpp"

#include "kumo/async/spawn.hpp"
#include "kumo/storage/permissions.hpp"
#include "kumo/storage/volume_repo.hpp"
#include "storage_routes.hpp"

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>

namespace kumo {

struct storage_module::parts {
    parts(platform& p, host_registry& hosts, image_store& images, project_resources& projects)
        : plat(p),
          hosts(hosts),
          pools(p.db, hosts, images, p.tasks, p.cfg),
          volumes(p.db, p.bus, hosts, images, pools, projects, p.cfg),
          routes{volumes, p.cfg},
          gc_timer(p.core) {}

    awaitable<void> collect_loop() {
        while (!stopping) {
            gc_timer.expires_after(std::chrono::seconds(plat.cfg.reconcile_interval_s));
            boost::system::error_code ec;
            co_await gc_timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
            if (stopping)
                break;
            for (const auto& h : hosts.hosts())
                if (hosts.is_up(h.id))
                    co_await pools.collect_garbage(h.id);
        }
    }

    platform& plat;
    host_registry& hosts;
    host_storage pools;
    volume_service volumes;
    api::storage_api routes;
    asio::steady_timer gc_timer;
    bool stopping = false;
};

storage_module::storage_module(platform& p, host_registry& hosts, image_store& images, project_resources& projects)
    : parts_(std::make_unique<parts>(p, hosts, images, projects)) {
    projects.add_counter(repo::volume_quota_usage);
    projects.add_owner(repo::project_has_volumes);
    images.add_user(repo::image_needed_by_volumes);
}

storage_module::~storage_module() = default;

host_storage& storage_module::pools() {
    return parts_->pools;
}

volume_service& storage_module::volumes() {
    return parts_->volumes;
}

std::span<const permission_rule> storage_module::permissions() const {
    return storage_permissions();
}

void storage_module::add_routes(api::router& r) {
    api::add_volume_routes(r, parts_->routes);
}

awaitable<void> storage_module::start() {
    spawn_logged(parts_->plat.core, parts_->collect_loop(), "storage");
    co_return;
}

void storage_module::stop() {
    parts_->stopping = true;
    parts_->gc_timer.cancel();
}

}  // namespace kumo
