#include "daemon.hpp"

#include "../compute/compute_routes.hpp"
#include "../host/host_routes.hpp"
#include "../identity/identity_routes.hpp"
#include "../image/image_routes.hpp"
#include "../operations/operation_routes.hpp"
#include "../scheduler/scheduler_routes.hpp"
#include "../storage/storage_routes.hpp"
#include "authentication.hpp"
#include "compute.hpp"
#include "directory.hpp"
#include "image_repo.hpp"
#include "kumo/core/certificate.hpp"
#include "kumo/core/clock.hpp"
#include "kumo/core/ids.hpp"
#include "kumo/core/log.hpp"
#include "kumo/core/version.hpp"
#include "kumo/host/host_repo.hpp"
#include "kumo/http/server.hpp"
#include "kumo/image/image_store.hpp"
#include "kumo/libvirt/libvirt_driver.hpp"
#include "kumo/ssh/ssh.hpp"
#include "kumo/storage/volume_repo.hpp"
#include "system_routes.hpp"
#include "vm_repo.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/signal_set.hpp>
#include <cstdlib>
#include <filesystem>

namespace kumo {
namespace fs = std::filesystem;
namespace {

result<void> write_private_file(const std::string& path, const std::string& content) {
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd < 0)
        return make_error(errc::internal, "cannot write " + path);
    const bool ok = ::write(fd, content.data(), content.size()) == static_cast<ssize_t>(content.size());
    ::fsync(fd);
    ::close(fd);
    if (!ok)
        return make_error(errc::internal, "cannot write " + path);
    return {};
}

// Registers the simulated hosts that are not yet in the database.
result<void> register_simulated_hosts(sql::database& db, const config& cfg) {
    const std::string dir = cfg.data_dir + "/sim";
    fs::create_directories(dir);
    for (int i = 1; i <= cfg.simulate; ++i) {
        KUMO_TRY(auto path, write_simulated_host(dir, i));
        KUMO_TRY_VOID(db.transaction([&]() -> result<void> {
            for (const auto& h : repo::all_hosts(db))
                if (h.uri == "test://" + path)
                    return {};
            host h;
            h.id = new_uuid();
            h.name = fmt::format("sim-{}", i);
            h.uri = "test://" + path;
            h.virt_type = "test";
            h.created_at = h.updated_at = to_rfc3339(system_clock().now());
            repo::insert_host(db, h);
            return {};
        }));
    }
    return {};
}

std::string default_web_dir() {
    for (const char* candidate : {KUMO_SOURCE_WEB_DIR, KUMO_INSTALLED_WEB_DIR})
        if (fs::exists(fs::path(candidate) / "index.html"))
            return candidate;
    return KUMO_INSTALLED_WEB_DIR;
}

// Everything the daemon runs, in construction order (destruction runs in reverse: server first,
// libvirt driver and its event thread after the host connections are closed).
struct runtime {
    runtime(const config& c, std::unique_ptr<sql::database> db, token_keys keys, std::string audit_key,
            std::unique_ptr<hypervisor_driver> drv)
        : cfg(c),
          st(std::move(db)),
          ops(core, st, bus),
          driver(std::move(drv)),
          trust(c.data_dir + "/ssh"),
          hosts(core, st, bus, *driver, trust, cfg),
          resources(cfg),
          ids(st, blocking, cfg, std::move(keys)),
          dir(st, ids, cfg, resources, std::move(audit_key)),
          images(st, bus, blocking, cfg, resources, c.data_dir + "/images"),
          pools(st, hosts, images, cfg),
          disks(st, hosts, pools, blocking, cfg),
          volumes(st, bus, hosts, images, pools, resources, cfg),
          placer(cfg),
          snapshots(st, bus, hosts, images, disks, pools),
          vms(core, st, bus, hosts, ops, images, disks, resources, placer, cfg),
          moves(core, st, bus, hosts, ops, vms, disks, placer, cfg),
          attachments(st, bus, hosts, volumes, cfg),
          host_dir(st, bus, hosts, cfg),
          scheduling(st, placer, cfg),
          flavors(st, bus),
          keypairs(st) {
        resources.add_counter(repo::vm_quota_usage);
        resources.add_counter(repo::image_quota_usage);
        resources.add_counter(repo::volume_quota_usage);
        resources.add_owner(repo::project_has_vms);
        images.add_user(repo::image_used_by_vms);
        images.add_user(repo::image_needed_by_volumes);
        pools.add_image_users(repo::images_used_on_host);
        placer.set_group_members(repo::server_group_members);
        volumes.set_vm_quiet(repo::vm_leaves_disks_alone);
    }
    const config& cfg;
    asio::io_context core{1};
    asio::thread_pool blocking{2};
    store st;
    event_bus bus;
    operations ops;
    std::unique_ptr<hypervisor_driver> driver;
    ssh_trust trust;
    host_registry hosts;
    project_resources resources;
    identity ids;
    directory dir;
    image_store images;
    host_storage pools;
    vm_disks disks;
    volume_service volumes;
    placement placer;
    snapshot_service snapshots;
    compute vms;
    mobility moves;
    vm_volumes attachments;
    host_directory host_dir;
    scheduling_service scheduling;
    flavor_service flavors;
    keypair_service keypairs;
    asio::steady_timer reconcile_timer{core};
    bool stopping = false;
};

// The routes every part of the daemon serves, and what their handlers hold on to.
struct api_routes {
    explicit api_routes(runtime& rt, std::string web_dir)
        : gate(rt.ids, rt.dir),
          identity{rt.ids, rt.dir},
          hosts{rt.hosts, rt.host_dir},
          storage{rt.volumes, rt.cfg},
          compute{rt.vms, rt.moves, rt.snapshots, rt.flavors, rt.keypairs, rt.attachments, rt.host_dir, rt.hosts},
          system{rt.hosts, std::move(web_dir)},
          routes(gate) {
        api::add_system_routes(routes, system);
        api::add_auth_routes(routes, identity);
        api::add_domain_routes(routes, identity);
        api::add_project_routes(routes, identity);
        api::add_user_routes(routes, identity);
        api::add_group_routes(routes, identity);
        api::add_role_routes(routes, identity);
        api::add_app_credential_routes(routes, identity);
        api::add_audit_routes(routes, identity);
        api::add_host_routes(routes, hosts);
        api::add_scheduling_routes(routes, rt.scheduling);
        api::add_operation_routes(routes, rt.ops);
        api::add_image_routes(routes, rt.images);
        api::add_volume_routes(routes, storage);
        api::add_vm_routes(routes, compute);
        api::add_flavor_routes(routes, compute);
        api::add_keypair_routes(routes, compute);
        api::add_mobility_routes(routes, compute);
        api::add_snapshot_routes(routes, compute);
    }
    api::identity_gate gate;
    api::identity_api identity;
    api::host_api hosts;
    api::storage_api storage;
    api::compute_api compute;
    api::system_api system;
    api::router routes;
};

awaitable<void> startup(runtime& rt) {
    rt.hosts.add_listener(
        {[&rt](const std::string& id) { return rt.vms.on_host_connected(id); },
         [&rt](const std::string& id, const std::string& uuid) { return rt.vms.on_domain_event(id, uuid); }});
    rt.vms.set_migration_resumer(
        [&rt](operation op, std::optional<vm> v) { rt.moves.resume(std::move(op), std::move(v)); });
    rt.images.set_import_denied([&rt] {
        std::vector<std::string> names;
        for (const auto& h : rt.hosts.hosts()) {
            if (auto t = parse_ssh_uri(h.uri, "uri"))
                names.push_back(t->host);
            if (!h.migration_address.empty())
                names.push_back(h.migration_address);
        }
        return names;
    });
    co_await rt.images.recover();
    co_await rt.hosts.start();
    if (rt.cfg.simulate == 0 && rt.cfg.register_local_host && rt.hosts.hosts().empty()) {
        auto local = co_await rt.hosts.add("local", "qemu:///system");
        if (local)
            log::info("daemon", "registered the local host (qemu:///system)");
        else
            log::warn("daemon", "no hosts: qemu:///system did not answer ({}). Add one with `kumo host add NAME URI`",
                      local.error().detail);
    }
    co_await rt.vms.resume_unfinished();
    while (!rt.stopping) {
        rt.reconcile_timer.expires_after(std::chrono::seconds(rt.cfg.reconcile_interval_s));
        boost::system::error_code ec;
        co_await rt.reconcile_timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
        if (rt.stopping)
            break;
        co_await rt.vms.reconcile_all();
        for (const auto& h : rt.hosts.hosts())
            if (rt.hosts.is_up(h.id))
                co_await rt.pools.collect_garbage(h.id);
    }
}

// SIGTERM: stop accepting, let running operations finish for a grace period (those that do not are
// persisted as running and resumed on the next start), then stop the loop.
awaitable<void> shutdown_on_signal(runtime& rt, http_server& server) {
    asio::signal_set signals(rt.core, SIGTERM, SIGINT);
    boost::system::error_code ec;
    int sig = co_await signals.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    log::info("daemon", "signal {}: shutting down", sig);
    rt.stopping = true;
    rt.reconcile_timer.cancel();
    server.stop();
    rt.hosts.stop();
    co_await rt.ops.drain(std::chrono::steady_clock::now() + std::chrono::seconds(rt.cfg.shutdown_grace_s));
    if (rt.ops.busy())
        log::warn("daemon", "operations still running are left for the next start to resume");
    rt.core.stop();
}

void print_banner(const config& cfg, const asio::ip::tcp::endpoint& ep, const std::string& fingerprint,
                  const std::optional<std::string>& generated_password) {
    const std::string host = ep.address().is_v6() ? "[" + ep.address().to_string() + "]" : ep.address().to_string();
    const std::string url = fmt::format("{}://{}:{}/", cfg.tls ? "https" : "http", host, ep.port());
    fmt::print("Kumo {} is running\n  URL:          {}\n", kumo_version, url);
    if (cfg.tls)
        fmt::print("  Certificate:  SHA256 {}\n", fingerprint);
    if (generated_password)
        fmt::print("  Admin:        user admin, password {} (shown once; also in {}/initial-admin-password)\n",
                   *generated_password, cfg.data_dir);
    else
        fmt::print("  Admin:        user admin (password from KUMO_ADMIN_PASSWORD or {}/initial-admin-password)\n",
                   cfg.data_dir);
    std::fflush(stdout);
    // Tools and tests find a daemon listening on port 0 through this file.
    (void)write_private_file(cfg.data_dir + "/kumo.url", url + "\n");
}

int fail(const error& e) {
    log::error("daemon", "{}", e.detail);
    return 1;
}

// A driver for a daemon that never connects to a host (describe_routes).
class no_hosts final : public hypervisor_driver {
public:
    result<std::unique_ptr<hypervisor_connection>> connect(const std::string&, connection_callbacks) override {
        return make_error(errc::host_unreachable, "no hosts here");
    }
};

}  // namespace

std::vector<route_info> describe_routes() {
    config cfg;
    auto db = sql::database::open(":memory:");
    runtime rt(cfg, std::move(*db), token_keys{}, "", std::make_unique<no_hosts>());
    api_routes api(rt, "");
    std::vector<route_info> out;
    for (const auto& r : api.routes.routes())
        out.push_back({r.method, r.pattern, r.permission});
    return out;
}

int run_daemon(const config& cfg) {
    log::level lvl{};
    if (log::parse_level(cfg.log_level, lvl))
        log::set_level(lvl);
    std::error_code fec;
    fs::create_directories(cfg.data_dir, fec);
    if (fec)
        return fail(make_error(errc::internal, "cannot create " + cfg.data_dir + ": " + fec.message()));
    fs::permissions(cfg.data_dir, fs::perms::owner_all, fec);

    auto db = sql::database::open(cfg.data_dir + "/kumo.db");
    if (!db)
        return fail(db.error());
    auto keys = token_keys::load_or_create(cfg.data_dir);
    if (!keys)
        return fail(keys.error());
    auto audit_key = load_or_create_audit_key(cfg.data_dir);
    if (!audit_key)
        return fail(audit_key.error());
    if (cfg.simulate > 0)
        if (auto r = register_simulated_hosts(**db, cfg); !r)
            return fail(r.error());

    std::shared_ptr<asio::ssl::context> tls;
    std::string fingerprint;
    if (cfg.tls) {
        const std::string cert = cfg.tls_cert.empty() ? cfg.data_dir + "/tls-cert.pem" : cfg.tls_cert;
        const std::string tls_key = cfg.tls_key.empty() ? cfg.data_dir + "/tls-key.pem" : cfg.tls_key;
        if (cfg.tls_cert.empty())
            if (auto r = ensure_self_signed_certificate(cert, tls_key); !r)
                return fail(r.error());
        auto fp = certificate_fingerprint(cert);
        if (!fp)
            return fail(fp.error());
        fingerprint = *fp;
        auto ctx = make_server_tls(cert, tls_key);
        if (!ctx)
            return fail(ctx.error());
        tls = *ctx;
    }

    runtime rt(cfg, std::move(*db), std::move(*keys), std::move(*audit_key), make_libvirt_driver());
    if (auto key = rt.trust.ensure_key(); !key)
        return fail(key.error());
    const char* given = std::getenv("KUMO_ADMIN_PASSWORD");
    auto generated = rt.ids.bootstrap(rt.st.unsafe_direct(), given ? given : "");
    if (!generated)
        return fail(generated.error());
    if (*generated)
        if (auto r = write_private_file(cfg.data_dir + "/initial-admin-password", **generated + "\n"); !r)
            return fail(r.error());
    rt.ids.load(rt.st.unsafe_direct());

    api_routes api(rt, cfg.web_dir.empty() ? default_web_dir() : cfg.web_dir);
    http_server server(rt.core, {cfg.request_timeout_s, cfg.max_body_bytes, api.system.web_dir}, api.routes, rt.bus,
                       tls);
    auto listen = parse_listen(cfg.listen, "listen");
    auto ep = server.listen(listen->host, listen->port);
    if (!ep)
        return fail(ep.error());
    print_banner(cfg, *ep, fingerprint, *generated);

    auto log_crash = [](std::exception_ptr e) {
        if (!e)
            return;
        try {
            std::rethrow_exception(e);
        } catch (const std::exception& ex) {
            log::error("daemon", "background task failed: {}", ex.what());
        }
    };
    asio::co_spawn(rt.core, startup(rt), log_crash);
    asio::co_spawn(rt.core, shutdown_on_signal(rt, server), log_crash);
    rt.core.run();
    server.stop();
    log::info("daemon", "stopped");
    return 0;
}

}  // namespace kumo
