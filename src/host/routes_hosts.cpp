// /hosts: enrollment, listing, settings, what libvirt reports, Kumo's SSH key, the pool's baseline CPU
// and trusting a host's new SSH key.
#include "host_routes.hpp"
#include "kumo/host/host_views.hpp"
#include "kumo/http/body_fields.hpp"
#include "kumo/ssh/ssh.hpp"

#include <type_traits>

namespace kumo::api {
namespace {

std::pair<double, double> override_range(std::string_view key) {
    if (key.find("ratio") != std::string_view::npos)
        return {0.1, 1000};
    if (key == "reserved_cpus")
        return {0, 4096};
    if (key == "max_instances")
        return {-1, 1 << 20};
    return {0, 1 << 30};
}

template <class Field>
using override_value = typename std::decay_t<Field>::value_type;

// The overrides of a PATCH body; null clears an override (back to the config's value).
override_patch read_override_patch(body_fields& f, const json& body) {
    override_patch patch;
    host_overrides probe;
    for_each_override(probe, [&](const char* key, auto& field) {
        if (!body.contains(key))
            return;
        const json& raw = body[key];
        if (std::is_integral_v<override_value<decltype(field)>> && !raw.is_null() && !raw.is_number_integer()) {
            (void)f.integer(key, false, 0, 0, 0);  // reports "must be an integer"
            return;
        }
        const auto [lo, hi] = override_range(key);
        auto v = f.number(key, lo, hi);
        if (raw.is_null() || v)
            patch[key] = v;
    });
    return patch;
}

// A DNS name or IPv4 address; "" clears. Reported against the field when malformed.
std::string read_migration_address(body_fields& f) {
    std::string a = f.text("migration_address", false, 253);
    if (!a.empty() && !is_host_address(a)) {
        f.reject("migration_address", "must be a DNS name or an IPv4 address");
        return {};
    }
    return a;
}

awaitable<result<response>> add_host(host_api& x, request_ctx& q) {
    KUMO_CO_TRY(const json body, json_body(q));
    body_fields f(body);
    std::string name = f.name("name", true);
    std::string uri = f.text("uri", true, 1024);
    std::string fingerprint = f.text("ssh_fingerprint", false, 128);
    std::string migration_address = read_migration_address(f);
    KUMO_CO_TRY_VOID(f.done());
    KUMO_CO_TRY(const host added, co_await x.hosts.add(std::move(name), std::move(uri), std::move(fingerprint),
                                                       std::move(migration_address)));
    response resp = ok(host_view(added, {}), http::status::created);
    resp.headers.emplace_back("Location", "/api/v1/hosts/" + added.id);
    co_return resp;
}

awaitable<result<response>> list_hosts(host_api& x, request_ctx& q) {
    KUMO_CO_TRY(const int limit, parse_limit(q));
    repo::list_query lq{limit, q.query["marker"], q.query["name"], q.query["status"], "", ""};
    KUMO_CO_TRY(auto views, co_await x.dir.list(std::move(lq)));
    co_return page(json(std::move(views)), limit);
}

awaitable<result<response>> get_host(host_api& x, request_ctx& q) {
    KUMO_CO_TRY(json view, co_await x.dir.get(q.params["id"]));
    co_return ok(std::move(view));
}

awaitable<result<response>> update_host(host_api& x, request_ctx& q) {
    KUMO_CO_TRY(const json body, json_body(q));
    body_fields f(body);
    host_settings_patch patch;
    const bool has_enabled = f.present("enabled");
    const bool enabled = f.boolean("enabled", true);
    const bool has_address = f.present("migration_address");
    const std::string address = read_migration_address(f);
    if (has_enabled)
        patch.enabled = enabled;
    if (has_address)
        patch.migration_address = address;
    patch.overrides = read_override_patch(f, body);
    KUMO_CO_TRY_VOID(f.done());
    KUMO_CO_TRY(json view, co_await x.dir.update(q.params["id"], std::move(patch)));
    co_return ok(std::move(view));
}

// What libvirt itself reports, for operators and for checking the database against the hosts.
awaitable<result<response>> host_domains(host_api& x, request_ctx& q) {
    auto job = [](hypervisor_connection& c) { return c.list_domains(); };
    KUMO_CO_TRY(const auto listed, co_await x.hosts.call(q.params["id"], std::move(job)));
    json items = json::array();
    for (const auto& d : listed)
        items.push_back(json{{"uuid", d.uuid}, {"name", d.name}, {"power_state", to_string(d.power)}});
    co_return ok(json{{"items", std::move(items)}});
}

awaitable<result<response>> ssh_key(host_api& x, request_ctx&) {
    const std::string key = x.hosts.trust().public_key();
    co_return ok(json{{"public_key", key},
                      {"authorized_keys_line", key},
                      {"hint", "append public_key to ~/.ssh/authorized_keys of the SSH user on each host"}});
}

awaitable<result<response>> cpu_baseline(host_api& x, request_ctx&) {
    co_return ok(x.dir.baseline_view());
}

awaitable<result<response>> trust_host_key(host_api& x, request_ctx& q) {
    KUMO_CO_TRY(const json body, json_body(q));
    body_fields f(body);
    std::string fingerprint = f.text("fingerprint", true, 128);
    KUMO_CO_TRY_VOID(f.done());
    KUMO_CO_TRY_VOID(co_await x.hosts.trust_host_key(q.params["id"], std::move(fingerprint)));
    KUMO_CO_TRY(json view, co_await x.dir.current(q.params["id"]));
    co_return ok(std::move(view));
}

}  // namespace

void add_host_routes(router& r, host_api& x) {
    r.add(http::verb::post, "/api/v1/hosts", "host:create", with(x, add_host));
    r.add(http::verb::get, "/api/v1/hosts", "host:read", with(x, list_hosts));
    r.add(http::verb::get, "/api/v1/hosts/ssh-key", "host:read", with(x, ssh_key));
    r.add(http::verb::get, "/api/v1/hosts/cpu-baseline", "host:read", with(x, cpu_baseline));
    r.add(http::verb::get, "/api/v1/hosts/{id}", "host:read", with(x, get_host));
    r.add(http::verb::patch, "/api/v1/hosts/{id}", "host:update", with(x, update_host));
    r.add(http::verb::get, "/api/v1/hosts/{id}/domains", "host:read", with(x, host_domains));
    r.add(http::verb::post, "/api/v1/hosts/{id}/actions/trust-host-key", "host:update", with(x, trust_host_key));
}

}  // namespace kumo::api
