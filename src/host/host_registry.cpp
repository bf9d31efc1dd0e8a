#include "kumo/host/host_registry.hpp"

#include "kumo/async/spawn.hpp"
#include "kumo/core/clock.hpp"
#include "kumo/core/ids.hpp"
#include "kumo/core/log.hpp"
#include "kumo/host/host_repo.hpp"
#include "kumo/host/host_views.hpp"
#include "kumo/store/lasting_write.hpp"

#include <algorithm>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>

namespace kumo {

host_registry::host_registry(asio::io_context& core, store& db, event_bus& bus, hypervisor_driver& driver,
                             ssh_trust& trust, const config& cfg)
    : core_(core), store_(db), bus_(bus), driver_(driver), trust_(trust), cfg_(cfg) {}

host_registry::~host_registry() {
    stop();
    pool_.join();
    entries_.clear();  // closes connections (deregistering callbacks) after the pool is idle
}

void host_registry::stop() {
    stopped_ = true;
    for (auto& [id, e] : entries_)
        if (e->retry)
            e->retry->cancel();
}

connection_callbacks host_registry::callbacks_for(const std::string& host_id) {
    // Called on libvirt's event thread: hop to core before touching anything.
    connection_callbacks cb;
    cb.on_domain_event = [this, host_id](const std::string& uuid) {
        spawn_logged(core_, domain_changed(host_id, uuid), "hosts", "domain event of host " + host_id);
    };
    cb.on_closed = [this, host_id](const std::string& reason) {
        spawn_logged(core_, mark_down(host_id, reason), "hosts", "closed connection of host " + host_id);
    };
    return cb;
}

awaitable<void> host_registry::domain_changed(std::string host_id, std::string uuid) {
    for (const auto& l : listeners_)
        if (l.on_domain_event && !stopped_)
            co_await l.on_domain_event(host_id, uuid);
}

awaitable<void> host_registry::start() {
    auto stored =
        co_await store_.read([](sql::database& db) -> result<std::vector<host>> { return repo::all_hosts(db); });
    if (!stored)
        co_return;
    for (auto& h : *stored) {
        h.status = host_status::down;
        entries_[h.id] = std::make_shared<entry>(h, pool_);
    }
    if (auto pinned = write_pins(); !pinned)
        log::error("hosts", "{}", pinned.error().detail);
    for (auto& h : *stored)
        co_await connect(h.id);
}

awaitable<result<host_registry::opened_host>> host_registry::open(entry& e, const std::string& uri,
                                                                  connection_callbacks cb) {
    auto job = [this, uri, cb]() -> result<opened_host> {
        KUMO_TRY(auto conn, driver_.connect(uri, cb));
        KUMO_TRY(auto inv, conn->inventory());
        return opened_host{std::shared_ptr<hypervisor_connection>(std::move(conn)), inv};
    };
    auto awaited = co_await run_on(e.strand, std::move(job));
    co_return awaited;
}

awaitable<void> host_registry::connect(std::string host_id) {
    auto it = entries_.find(host_id);
    if (it == entries_.end() || it->second->connecting || stopped_)
        co_return;
    auto e = it->second;
    e->connecting = true;
    const std::string uri = libvirt_uri(e->h);
    auto cb = callbacks_for(host_id);
    auto opened = co_await open(*e, uri, cb);
    e->connecting = false;
    if (!is_current(host_id, *e)) {  // forgotten (removal) while connecting: nobody owns the connection
        if (opened)
            co_await close_on_strand(*e, std::move(opened->conn));
        co_return;
    }
    if (!opened) {
        e->h.last_error = opened.error().detail;
        if (e->h.last_error.find("HOST KEY VERIFICATION FAILED") != std::string::npos) {
            // Never reconnect to a changed key by itself: an administrator checks it and trusts it.
            e->h.last_error =
                "SSH host key changed: the host presents a key other than the one pinned at "
                "enrollment; check it and trust it (POST /hosts/{id}/actions/trust-host-key)";
            log::error("hosts", "host {}: {}", e->h.name, e->h.last_error);
            bus_.publish(
                {"alert", "host_key_changed", host_id, "", json{{"host", e->h.name}, {"detail", e->h.last_error}}});
        } else {
            log::warn("hosts", "host {} is down: {}", e->h.name, e->h.last_error);
        }
        co_await save(*e);
        schedule_retry(host_id);
        co_return;
    }
    e->conn = opened->conn;
    e->h.inventory = opened->inventory;
    e->h.status = host_status::up;
    e->h.last_error.clear();
    e->backoff = std::chrono::seconds(1);
    log::info("hosts", "host {} is up ({} {}, {} cpus, {} MiB)", e->h.name, e->h.inventory.hypervisor,
              e->h.inventory.hypervisor_version, e->h.inventory.cpus, e->h.inventory.memory_mb);
    co_await save(*e);
    if (!is_current(host_id, *e))
        co_return;  // forgotten meanwhile: forget() closed the connection
    co_await announce_connected(host_id);
    co_await update_baseline();
}

awaitable<void> host_registry::check_alive(const std::string& host_id) {
    auto it = entries_.find(host_id);
    if (it == entries_.end() || !it->second->conn)
        co_return;
    auto conn = it->second->conn;
    auto job = [conn] { return conn->alive(); };
    bool alive = co_await run_on(it->second->strand, std::move(job));
    if (!alive)
        co_await mark_down(host_id, "connection lost");
}

awaitable<void> host_registry::mark_down(std::string host_id, std::string reason) {
    auto it = entries_.find(host_id);
    if (it == entries_.end() || !it->second->conn)
        co_return;
    auto e = it->second;
    e->conn.reset();
    e->spare.reset();
    e->h.status = host_status::down;
    e->h.last_error = std::move(reason);
    log::warn("hosts", "host {} is down: {}", e->h.name, e->h.last_error);
    co_await save(*e);
    schedule_retry(host_id);
}

void host_registry::schedule_retry(const std::string& host_id) {
    auto it = entries_.find(host_id);
    if (it == entries_.end() || stopped_)
        return;
    auto e = it->second;
    if (!e->retry)
        e->retry = std::make_unique<asio::steady_timer>(core_);
    e->retry->expires_after(e->backoff);
    e->backoff = std::min(e->backoff * 2, std::chrono::seconds(cfg_.host_retry_max_s));
    e->retry->async_wait([this, host_id](boost::system::error_code ec) {
        if (!ec && !stopped_)
            spawn_logged(core_, connect(host_id), "hosts", "reconnect of host " + host_id);
    });
}

bool host_registry::is_current(const std::string& host_id, const entry& e) const {
    auto it = entries_.find(host_id);
    return it != entries_.end() && it->second.get() == &e;
}

awaitable<void> host_registry::close_on_strand(entry& e, std::shared_ptr<hypervisor_connection> conn) {
    // Closing blocks on the network, and must come after any call still running on the strand.
    auto close = [c = std::move(conn)]() mutable {
        c.reset();
        return true;
    };
    (void)co_await run_on(e.strand, std::move(close));
}

awaitable<void> host_registry::save(entry& e) {
    // A forgotten host's row is gone: writing or announcing it would bring a deleted host back.
    if (!is_current(e.h.id, e))
        co_return;
    e.h.updated_at = to_rfc3339(system_clock().now());
    host copy = e.h;
    auto job = [copy](sql::database& db) -> result<void> {
        repo::update_host(db, copy);
        return {};
    };
    const std::string what = "the state of host " + copy.id;
    (void)co_await lasting_write(store_, std::move(job), what);
    if (is_current(copy.id, e))
        bus_.publish({"host", "updated", copy.id, "", host_view(copy, unknown_domains(copy.id))});
}

awaitable<result<void>> host_registry::check_new(const std::string& name, const std::string& uri,
                                                 const std::string& expected_fingerprint) {
    KUMO_CO_TRY_VOID(check_host_uri(uri, "uri"));
    if (!expected_fingerprint.empty() && !is_ssh_uri(uri))
        co_return validation_error("ssh_fingerprint", "only SSH hosts have a host key");
    auto job = [name, uri](sql::database& db) -> result<bool> {
        for (const auto& h : repo::all_hosts(db))
            if (h.name == name || h.uri == uri)
                return true;
        return false;
    };
    KUMO_CO_TRY(const bool clash, co_await store_.read(std::move(job)));
    if (clash)
        co_return make_error(errc::conflict, "a host with that name or URI already exists");
    co_return result<void>{};
}

awaitable<result<void>> host_registry::pin_for_enrollment(host& h, const std::string& expected_fingerprint) {
    auto target = parse_ssh_uri(h.uri, "uri");
    KUMO_CO_TRY(auto key, co_await scan_key(*target));
    const std::string presented = fingerprint_of(key);
    if (!expected_fingerprint.empty() && expected_fingerprint != presented)
        co_return validation_error("ssh_fingerprint", "the host presents " + presented + ", not the expected key");
    h.ssh_host_key = key.type + " " + key.base64;
    enrolling_[h.id] = pinned_host{*target, key};
    if (auto pinned = write_pins(); !pinned) {
        enrolling_.erase(h.id);
        co_return pinned.error();
    }
    co_return result<void>{};
}

awaitable<result<host>> host_registry::add(std::string name, std::string uri, std::string expected_fingerprint,
                                           std::string migration_address) {
    KUMO_CO_TRY_VOID(co_await check_new(name, uri, expected_fingerprint));
    host h;
    h.id = new_uuid();
    h.name = std::move(name);
    h.uri = uri;
    h.migration_address = std::move(migration_address);
    h.created_at = h.updated_at = to_rfc3339(system_clock().now());
    if (is_ssh_uri(uri))
        KUMO_CO_TRY_VOID(co_await pin_for_enrollment(h, expected_fingerprint));
    auto e = std::make_shared<entry>(h, pool_);
    auto cb = callbacks_for(h.id);
    auto opened = co_await open(*e, libvirt_uri(h), cb);
    // From here the pin is either the enrolled host's (entries_) or gone with a failed enrollment.
    const bool pinned_while_enrolling = enrolling_.erase(h.id) > 0;
    if (!opened) {
        if (pinned_while_enrolling)
            (void)write_pins();
        co_return opened.error();
    }
    e->h.inventory = opened->inventory;
    e->h.virt_type = virt_type_for(uri, cfg_.virt_type, opened->inventory);
    e->h.status = host_status::up;
    auto insert = [hh = e->h](sql::database& db) -> result<void> {
        repo::insert_host(db, hh);
        return {};
    };
    entries_[h.id] = e;  // before the write: a concurrent write_pins() keeps this host's pin
    auto stored = co_await store_.write(std::move(insert));
    if (!stored) {
        entries_.erase(h.id);
        if (pinned_while_enrolling)
            (void)write_pins();
        co_return stored.error();  // the connection closes with `opened`
    }
    e->conn = opened->conn;
    log::info("hosts", "added host {} ({})", e->h.name, uri);
    bus_.publish({"host", "created", h.id, "", host_view(e->h, {})});
    co_await announce_connected(h.id);
    co_await update_baseline();
    co_return e->h;
}

awaitable<void> host_registry::announce_connected(const std::string& host_id) {
    for (const auto& l : listeners_)
        if (l.on_connected)
            co_await l.on_connected(host_id);
}

std::vector<host> host_registry::hosts() const {
    std::vector<host> out;
    for (const auto& [id, e] : entries_)
        out.push_back(e->h);
    // By name, so "first fit" and listings are the same on every start (ids are random).
    std::sort(out.begin(), out.end(), [](const host& a, const host& b) { return a.name < b.name; });
    return out;
}

std::optional<host> host_registry::find(const std::string& host_id) const {
    auto it = entries_.find(host_id);
    return it == entries_.end() ? std::nullopt : std::optional<host>(it->second->h);
}

bool host_registry::is_up(const std::string& host_id) const {
    auto it = entries_.find(host_id);
    return it != entries_.end() && it->second->conn != nullptr;
}

std::vector<std::string> host_registry::unknown_domains(const std::string& host_id) const {
    auto it = entries_.find(host_id);
    return it == entries_.end() ? std::vector<std::string>{} : it->second->unknown_domains;
}

void host_registry::set_unknown_domains(const std::string& host_id, std::vector<std::string> names) {
    auto it = entries_.find(host_id);
    if (it != entries_.end())
        it->second->unknown_domains = std::move(names);
}

}  // namespace kumo
