#include "kumo/compute/module.hpp"

#include "compute_routes.hpp"
#include "kumo/async/spawn.hpp"
#include "kumo/compute/permissions.hpp"
#include "vm_repo.hpp"

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>

namespace kumo {

struct compute_module::parts {
    parts(platform& p, const compute_needs& n)
        : plat(p),
          flavors(p.db, p.bus),
          keypairs(p.db),
          disks(p.db, n.hosts, n.images, n.pools, p.blocking, p.cfg),
          vms(p.core, p.db, p.bus, n.hosts, p.ops, n.images, disks, n.projects, n.placer, p.cfg),
          moves(p.core, p.db, p.bus, n.hosts, p.ops, vms, disks, n.placer, p.cfg),
          snapshots(p.db, p.bus, n.hosts, n.images, disks, n.pools),
          attachments(p.db, p.bus, n.hosts, n.volumes, p.cfg),
          routes{vms, moves, snapshots, flavors, keypairs, attachments, n.host_views, n.hosts},
          reconcile_timer(p.core) {}

    awaitable<void> reconcile_loop() {
        while (!stopping) {
            reconcile_timer.expires_after(std::chrono::seconds(plat.cfg.reconcile_interval_s));
            boost::system::error_code ec;
            co_await reconcile_timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
            if (stopping)
                break;
            co_await vms.reconcile_all();
        }
    }

    platform& plat;
    flavor_service flavors;
    keypair_service keypairs;
    vm_disks disks;
    compute vms;
    mobility moves;
    snapshot_service snapshots;
    vm_volumes attachments;
    api::compute_api routes;
    asio::steady_timer reconcile_timer;
    bool stopping = false;
};

compute_module::compute_module(platform& p, compute_needs n) : parts_(std::make_unique<parts>(p, n)) {
    n.projects.add_counter(repo::vm_quota_usage);
    n.projects.add_owner(repo::project_has_vms);
    n.projects.add_user_owner(repo::vms_of_user);
    n.images.add_user(repo::image_used_by_vms);
    n.pools.add_image_users(repo::images_used_on_host);
    n.placer.set_group_members(repo::server_group_members);
    n.volumes.set_vm_quiet(repo::vm_leaves_disks_alone);
    auto& vms = parts_->vms;
    n.hosts.add_listener(
        {[&vms](const std::string& id) { return vms.on_host_connected(id); },
         [&vms](const std::string& id, const std::string& uuid) { return vms.on_domain_event(id, uuid); }});
    p.ops.on_task_crash([&vms](const operation& op) { return vms.release_crashed(op); });
    auto& moves = parts_->moves;
    vms.set_migration_resumer(
        [&moves](operation op, std::optional<vm> v) { moves.resume(std::move(op), std::move(v)); });
}

compute_module::~compute_module() = default;

std::span<const permission_rule> compute_module::permissions() const {
    return compute_permissions();
}

void compute_module::add_routes(api::router& r) {
    auto& x = parts_->routes;
    api::add_vm_routes(r, x);
    api::add_flavor_routes(r, x);
    api::add_keypair_routes(r, x);
    api::add_mobility_routes(r, x);
    api::add_snapshot_routes(r, x);
}

awaitable<void> compute_module::start() {
    co_await parts_->vms.resume_unfinished();
    spawn_logged(parts_->plat.core, parts_->reconcile_loop(), "compute");
}

void compute_module::stop() {
    parts_->stopping = true;
    parts_->reconcile_timer.cancel();
}

}  // namespace kumo
