// `kumo serve`: prepares the data directory and TLS, builds the composition (composition.hpp), serves
// until SIGTERM/SIGINT.
#include "daemon.hpp"

#include "composition.hpp"
#include "data_dir.hpp"
#include "kumo/async/spawn.hpp"
#include "kumo/core/certificate.hpp"
#include "kumo/core/crypto.hpp"
#include "kumo/core/fault_points.hpp"
#include "kumo/core/log.hpp"
#include "kumo/core/version.hpp"
#include "kumo/http/server.hpp"
#include "kumo/libvirt/libvirt_driver.hpp"

#include <fmt/format.h>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/signal_set.hpp>
#include <filesystem>

namespace kumo {
namespace fs = std::filesystem;
namespace {

std::string default_web_dir() {
    for (const char* candidate : {KUMO_SOURCE_WEB_DIR, KUMO_INSTALLED_WEB_DIR})
        if (fs::exists(fs::path(candidate) / "index.html"))
            return candidate;
    return KUMO_INSTALLED_WEB_DIR;
}

struct tls_setup {
    std::shared_ptr<asio::ssl::context> context;  // null with tls off
    std::string fingerprint;
};

// The configured certificate, or a self-signed one made in the data directory on first start.
result<tls_setup> prepare_tls(const config& cfg) {
    if (!cfg.tls)
        return tls_setup{};
    const std::string cert = cfg.tls_cert.empty() ? cfg.data_dir + "/tls-cert.pem" : cfg.tls_cert;
    const std::string key = cfg.tls_key.empty() ? cfg.data_dir + "/tls-key.pem" : cfg.tls_key;
    if (cfg.tls_cert.empty())
        KUMO_TRY_VOID(ensure_self_signed_certificate(cert, key));
    KUMO_TRY(std::string fingerprint, certificate_fingerprint(cert));
    KUMO_TRY(auto context, make_server_tls(cert, key));
    return tls_setup{std::move(context), std::move(fingerprint)};
}

// Each module's start-up work and loops, in module order.
awaitable<void> start_modules(modules& m) {
    for (module* mod : m.all())
        co_await mod->start();
}

// SIGTERM: stop accepting, stop the modules' loops, let running operations and background transfers
// (imports, exports) finish for a grace period
// (those that do not are persisted as running and resumed on the next start), then stop the loop.
awaitable<void> shutdown_on_signal(foundations& f, modules& m, http_server& server) {
    asio::signal_set signals(f.core, SIGTERM, SIGINT);
    boost::system::error_code ec;
    int sig = co_await signals.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    log::info("daemon", "signal {}: shutting down", sig);
    server.stop();
    auto all = m.all();
    for (auto it = all.rbegin(); it != all.rend(); ++it)
        (*it)->stop();
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(f.cfg.shutdown_grace_s);
    co_await f.ops.drain(deadline);
    co_await f.tasks.drain(deadline);
    if (f.tasks.running() > 0)
        log::warn("daemon", "{} background transfers cut off by the shutdown", f.tasks.running());
    if (f.ops.busy())
        log::warn("daemon", "operations still running are left for the next start to resume");
    f.core.stop();
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
    (void)crypto::write_secret_file(cfg.data_dir + "/kumo.url", url + "\n");
}

int fail(const error& e) {
    log::error("daemon", "{}", e.detail);
    return 1;
}

// Builds everything on the opened database and serves until a signal ends the loop.
int serve(const config& cfg, std::unique_ptr<sql::database> db, token_keys keys, std::string audit_key,
          const tls_setup& tls) {
    foundations f(cfg, std::move(db), make_libvirt_driver());
    modules m(f, std::move(keys), std::move(audit_key));
    if (auto key = f.trust.ensure_key(); !key)
        return fail(key.error());
    if (auto opened = open_modules(f, m); !opened)
        return fail(opened.error());
    api::system_api system{m.host.registry(), cfg.web_dir.empty() ? default_web_dir() : cfg.web_dir};
    const api::router routes = build_router(f, m, system);
    http_server server(f.core, {cfg.request_timeout_s, cfg.max_body_bytes, system.web_dir}, routes, f.bus, tls.context);
    auto listen = parse_listen(cfg.listen, "listen");
    auto ep = server.listen(listen->host, listen->port);
    if (!ep)
        return fail(ep.error());
    print_banner(cfg, *ep, tls.fingerprint, m.identity.generated_admin_password());
    spawn_logged(f.core, start_modules(m), "daemon");
    spawn_logged(f.core, shutdown_on_signal(f, m, server), "daemon");
    f.core.run();
    server.stop();
    log::info("daemon", "stopped");
    return 0;
}

}  // namespace

int run_daemon(const config& cfg) {
    log::level lvl{};
    if (log::parse_level(cfg.log_level, lvl))
        log::set_level(lvl);
    if (const auto& faults = fault_points_file())
        log::warn("daemon", "test fault points are read from {} (KUMO_TEST_FAULTS_FILE): never in production", *faults);
    // Nothing is made in the data directory before the address is known to work, and nothing without
    // its lock (held until the process ends).
    if (auto usable = probe_listen(cfg.listen); !usable)
        return fail(usable.error());
    auto lock = lock_data_dir(cfg.data_dir);
    if (!lock)
        return fail(lock.error());
    auto db = sql::database::open(cfg.data_dir + "/kumo.db");
    if (!db)
        return fail(db.error());
    auto keys = token_keys::load_or_create(cfg.data_dir);
    if (!keys)
        return fail(keys.error());
    auto audit_key = load_or_create_audit_key(cfg.data_dir);
    if (!audit_key)
        return fail(audit_key.error());
    auto tls = prepare_tls(cfg);
    if (!tls)
        return fail(tls.error());
    return serve(cfg, std::move(*db), std::move(*keys), std::move(*audit_key), *tls);
}

}  // namespace kumo
