#include "kumo/core/clock.hpp"
#include "kumo/host/claim_repo.hpp"
#include "kumo/host/host_repo.hpp"
#include "kumo/host/host_views.hpp"
#include "kumo/http/router.hpp"
#include "kumo/ssh/ssh.hpp"
#include "kumo/store/list_query.hpp"

namespace kumo::api {
namespace {

struct host_with_usage {
    host h;
    claim_usage used;
};

// Reads hosts (q: a page; or one id) with their claims, in one store job.
awaitable<result<std::vector<host_with_usage>>> read_hosts(request_ctx& q, repo::list_query lq, std::string id) {
    auto job = [lq, id](sql::database& db) -> result<std::vector<host_with_usage>> {
        std::vector<host> hosts;
        if (!id.empty()) {
            if (auto h = repo::find_host(db, id))
                hosts.push_back(*h);
        } else {
            hosts = repo::list_hosts(db, lq);
        }
        const auto usage = repo::claims_by_host(db);
        std::vector<host_with_usage> out;
        for (auto& h : hosts) {
            auto u = usage.find(h.id);
            out.push_back({std::move(h), u == usage.end() ? claim_usage{} : u->second});
        }
        return out;
    };
    auto found = co_await q.ctx.db.read(std::move(job));
    co_return found;
}

json full_host_view(request_ctx& q, const host_with_usage& x) {
    json v = host_view(x.h, q.ctx.hosts.unknown_domains(x.h.id));
    v["scheduling"] = host_scheduling_view(x.h, host_state_of(x.h, q.ctx.cfg, q.ctx.hosts.is_up(x.h.id), x.used));
    return v;
}

// PATCH: `enabled` and the scheduling overrides; null clears an override (back to the config's value).
using override_patch = std::map<std::string, std::optional<double>>;  // nullopt: clear

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

void apply_override_patch(host_overrides& o, const override_patch& patch) {
    for_each_override(o, [&](const char* key, auto& field) {
        auto it = patch.find(key);
        if (it == patch.end())
            return;
        using T = override_value<decltype(field)>;
        field = it->second ? std::optional<T>(static_cast<T>(*it->second)) : std::nullopt;
    });
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

awaitable<response> update_host(request_ctx& q) {
    auto body = json_body(q);
    if (!body)
        co_return problem(body.error(), q.request_id);
    body_fields f(*body);
    const bool has_enabled = f.present("enabled");
    const bool enabled = f.boolean("enabled", true);
    const bool has_address = f.present("migration_address");
    const std::string address = read_migration_address(f);
    const override_patch patch = read_override_patch(f, *body);
    if (auto v = f.done(); !v)
        co_return problem(v.error(), q.request_id);
    auto job = [id = q.params["id"], patch, has_enabled, enabled, has_address,
                address](sql::database& db) -> result<std::string> {
        auto h = repo::find_host(db, id);
        if (!h)
            return make_error(errc::not_found, "host not found");
        apply_override_patch(h->overrides, patch);
        if (has_enabled)
            h->enabled = enabled;
        if (has_address)
            h->migration_address = address;
        h->updated_at = to_rfc3339(system_clock().now());
        repo::update_host_settings(db, *h);
        return h->id;
    };
    auto saved = co_await q.ctx.db.write(std::move(job));
    if (!saved)
        co_return problem(saved.error(), q.request_id);
    repo::list_query one;
    std::string id = *saved;
    auto fresh = co_await read_hosts(q, std::move(one), std::move(id));
    if (!fresh || fresh->empty())
        co_return problem(make_error(errc::not_found, "host not found"), q.request_id);
    json view = full_host_view(q, fresh->front());
    q.ctx.bus.publish({"host", "updated", *saved, "", view});
    co_return ok(std::move(view));
}

}  // namespace

void add_host_routes(router& r) {
    r.add(http::verb::post, "/api/v1/hosts", "host:create", [](request_ctx& q) -> awaitable<response> {
        auto body = json_body(q);
        if (!body)
            co_return problem(body.error(), q.request_id);
        body_fields f(*body);
        std::string name = f.name("name", true);
        std::string uri = f.text("uri", true, 1024);
        std::string fingerprint = f.text("ssh_fingerprint", false, 128);
        std::string migration_address = read_migration_address(f);
        if (auto v = f.done(); !v)
            co_return problem(v.error(), q.request_id);
        auto added = co_await q.ctx.hosts.add(std::move(name), std::move(uri), std::move(fingerprint),
                                              std::move(migration_address));
        if (!added)
            co_return problem(added.error(), q.request_id);
        response resp = ok(host_view(*added, {}), http::status::created);
        resp.headers.emplace_back("Location", "/api/v1/hosts/" + added->id);
        co_return resp;
    });
    r.add(http::verb::get, "/api/v1/hosts", "host:read", [](request_ctx& q) -> awaitable<response> {
        auto limit = parse_limit(q);
        if (!limit)
            co_return problem(limit.error(), q.request_id);
        repo::list_query lq{*limit, q.query["marker"], q.query["name"], q.query["status"], "", ""};
        std::string all;
        auto hosts = co_await read_hosts(q, std::move(lq), std::move(all));
        if (!hosts)
            co_return problem(hosts.error(), q.request_id);
        json items = json::array();
        for (const auto& h : *hosts)
            items.push_back(full_host_view(q, h));
        co_return page(std::move(items), *limit);
    });
    r.add(http::verb::get, "/api/v1/hosts/{id}", "host:read", [](request_ctx& q) -> awaitable<response> {
        repo::list_query one;
        std::string id = q.params["id"];
        auto found = co_await read_hosts(q, std::move(one), std::move(id));
        if (!found)
            co_return problem(found.error(), q.request_id);
        if (found->empty())
            co_return problem(make_error(errc::not_found, "host not found"), q.request_id);
        co_return ok(full_host_view(q, found->front()));
    });
    r.add(http::verb::patch, "/api/v1/hosts/{id}", "host:update", update_host);
    // What libvirt itself reports, for operators and for checking the database against the hosts.
    r.add(http::verb::get, "/api/v1/hosts/{id}/domains", "host:read", [](request_ctx& q) -> awaitable<response> {
        auto job = [](hypervisor_connection& c) { return c.list_domains(); };
        auto listed = co_await q.ctx.hosts.call(q.params["id"], std::move(job));
        if (!listed)
            co_return problem(listed.error(), q.request_id);
        json items = json::array();
        for (const auto& d : *listed)
            items.push_back(json{{"uuid", d.uuid}, {"name", d.name}, {"power_state", to_string(d.power)}});
        co_return ok(json{{"items", std::move(items)}});
    });
}

}  // namespace kumo::api
