// The host registry's SSH side (pinned host keys, Kumo's key) and the pool's baseline CPU.
#include "kumo/core/clock.hpp"
#include "kumo/core/log.hpp"
#include "kumo/host/host_registry.hpp"
#include "kumo/host/host_repo.hpp"

#include <boost/asio/post.hpp>
#include <sstream>

namespace kumo {
namespace {

std::optional<ssh_host_key> parse_pinned(const std::string& text) {
    std::istringstream in(text);
    ssh_host_key k;
    if (!(in >> k.type >> k.base64))
        return std::nullopt;
    return k;
}

// The text of <model> and the names of required <feature>s in a libvirt <cpu> element.
void read_cpu_xml(const std::string& xml, cpu_baseline& b) {
    const auto model = xml.find("<model");
    if (model != std::string::npos) {
        const auto start = xml.find('>', model) + 1;
        b.model = xml.substr(start, xml.find("</model>", start) - start);
    }
    static const std::string tag = "<feature policy='require' name='";
    for (auto pos = xml.find(tag); pos != std::string::npos; pos = xml.find(tag, pos)) {
        pos += tag.size();
        b.features.push_back(xml.substr(pos, xml.find('\'', pos) - pos));
    }
}

}  // namespace

std::string host_registry::libvirt_uri(const host& h) const {
    if (!is_ssh_uri(h.uri))
        return h.uri;
    auto t = parse_ssh_uri(h.uri, "uri");
    return t ? trust_.libvirt_uri(*t) : h.uri;
}

result<void> host_registry::write_pins() const {
    std::vector<pinned_host> pins;
    for (const auto& [id, e] : entries_) {
        if (!is_ssh_uri(e->h.uri))
            continue;
        auto t = parse_ssh_uri(e->h.uri, "uri");
        auto k = parse_pinned(e->h.ssh_host_key);
        if (t && k)
            pins.push_back({*t, *k});
    }
    for (const auto& [id, pending] : enrolling_)
        pins.push_back(pending);
    return trust_.write_pins(pins);
}

awaitable<result<ssh_host_key>> host_registry::scan_key(const ssh_target& t) {
    auto job = [this, t] { return trust_.scan(t, std::chrono::seconds(5)); };
    auto scanned = co_await run_on(pool_.get_executor(), std::move(job));
    co_return scanned;
}

awaitable<result<host>> host_registry::trust_host_key(std::string host_id, std::string fingerprint) {
    auto it = entries_.find(host_id);
    if (it == entries_.end())
        co_return make_error(errc::not_found, "host not found");
    auto e = it->second;
    auto target = parse_ssh_uri(e->h.uri, "uri");
    if (!target)
        co_return validation_error("fingerprint", "only SSH hosts have a host key");
    KUMO_CO_TRY(auto key, co_await scan_key(*target));
    const std::string presented = fingerprint_of(key);
    if (fingerprint != presented)
        co_return validation_error("fingerprint", "the host presents " + presented + ", not this key");
    e->h.ssh_host_key = key.type + " " + key.base64;
    auto job = [id = host_id, k = e->h.ssh_host_key](sql::database& db) -> result<void> {
        repo::update_host_key(db, id, k, to_rfc3339(system_clock().now()));
        return {};
    };
    KUMO_CO_TRY_VOID(co_await store_.write(std::move(job)));
    KUMO_CO_TRY_VOID(write_pins());
    log::warn("hosts", "host {}: an administrator trusted its new SSH host key {}", e->h.name, presented);
    e->backoff = std::chrono::seconds(1);
    if (!e->conn)
        co_await connect(host_id);
    co_return e->h;
}

awaitable<void> host_registry::forget(std::string host_id) {
    auto it = entries_.find(host_id);
    if (it == entries_.end())
        co_return;
    auto e = it->second;
    if (e->retry)
        e->retry->cancel();
    entries_.erase(it);
    auto conn = std::move(e->conn);
    co_await close_on_strand(*e, std::move(conn));
    if (auto pinned = write_pins(); !pinned)
        log::error("hosts", "{}", pinned.error().detail);
    bus_.publish({"host", "deleted", host_id, "", json{{"id", host_id}, {"name", e->h.name}}});
    co_await update_baseline();
}

awaitable<result<std::shared_ptr<hypervisor_connection>>> host_registry::open_extra(const std::string& host_id) {
    auto it = entries_.find(host_id);
    if (it == entries_.end())
        co_return make_error(errc::not_found, "host not found");
    if (auto spare = std::move(it->second->spare); spare && it->second->conn && spare->alive())
        co_return spare;  // kept from the last migration: saves an SSH handshake and a libvirt open
    auto job = [this, uri = libvirt_uri(it->second->h)]() -> result<std::shared_ptr<hypervisor_connection>> {
        KUMO_TRY(auto conn, driver_.connect(uri, {}));
        return std::shared_ptr<hypervisor_connection>(std::move(conn));
    };
    auto opened = co_await run_on(pool_.get_executor(), std::move(job));
    co_return opened;
}

void host_registry::return_extra(const std::string& host_id, std::shared_ptr<hypervisor_connection> conn) {
    auto it = entries_.find(host_id);
    if (it != entries_.end() && it->second->conn && !it->second->spare)
        it->second->spare = std::move(conn);
    else if (conn)  // closing blocks on the network: not on the core thread
        asio::post(pool_, [c = std::move(conn)]() mutable { c.reset(); });
}

awaitable<void> host_registry::update_baseline() {
    std::vector<std::string> xmls, ids;
    std::string via;
    for (const auto& [id, e] : entries_) {
        if (e->h.virt_type != "kvm" || e->h.inventory.cpu_xml.empty())
            continue;
        xmls.push_back(e->h.inventory.cpu_xml);
        ids.push_back(id);
        if (e->conn && via.empty())
            via = id;
    }
    if (via.empty() || (ids == baseline_.host_ids && !baseline_.xml.empty()))
        co_return;
    auto job = [xmls](hypervisor_connection& c) { return c.baseline_cpu(xmls, "kvm"); };
    auto computed = co_await call(via, std::move(job));
    if (!computed) {
        log::warn("hosts", "cannot compute the pool's baseline CPU: {}", computed.error().detail);
        co_return;
    }
    cpu_baseline b;
    b.xml = *computed;
    b.host_ids = ids;
    read_cpu_xml(b.xml, b);
    if (b.model != baseline_.model || b.features != baseline_.features)
        log::info("hosts", "pool baseline CPU over {} host(s): {} with {} features", ids.size(), b.model,
                  b.features.size());
    baseline_ = std::move(b);
}

}  // namespace kumo
