#include "kumo/core/clock.hpp"
#include "kumo/services/views.hpp"
#include "kumo/store/repos.hpp"
#include "router.hpp"

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
struct override_key {
    const char* name;
    double lo, hi;
    bool integer;
};
constexpr override_key override_keys[] = {
    {"cpu_allocation_ratio", 0.1, 1000, false},  {"ram_allocation_ratio", 0.1, 1000, false},
    {"disk_allocation_ratio", 0.1, 1000, false}, {"reserved_cpus", 0, 4096, true},
    {"reserved_ram_mb", 0, 1 << 30, true},       {"reserved_disk_gb", 0, 1 << 30, true},
    {"max_instances", -1, 1 << 20, true},
};
using override_patch = std::map<std::string, std::optional<double>>;  // nullopt: clear

void apply_override(host_overrides& o, const std::string& key, std::optional<double> v) {
    auto as_int = [&] { return v ? std::optional<std::int64_t>(static_cast<std::int64_t>(*v)) : std::nullopt; };
    if (key == "cpu_allocation_ratio")
        o.cpu_allocation_ratio = v;
    else if (key == "ram_allocation_ratio")
        o.ram_allocation_ratio = v;
    else if (key == "disk_allocation_ratio")
        o.disk_allocation_ratio = v;
    else if (key == "reserved_cpus")
        o.reserved_cpus = as_int();
    else if (key == "reserved_ram_mb")
        o.reserved_ram_mb = as_int();
    else if (key == "reserved_disk_gb")
        o.reserved_disk_gb = as_int();
    else if (key == "max_instances")
        o.max_instances = as_int();
}

awaitable<response> update_host(request_ctx& q) {
    auto body = json_body(q);
    if (!body)
        co_return problem(body.error(), q.request_id);
    body_fields f(*body);
    const bool has_enabled = f.present("enabled");
    const bool enabled = f.boolean("enabled", true);
    override_patch patch;
    for (const auto& k : override_keys) {
        if (!body->contains(k.name))
            continue;
        const json& raw = (*body)[k.name];
        if (k.integer && !raw.is_null() && !raw.is_number_integer()) {
            (void)f.integer(k.name, false, 0, 0, 0);  // reports "must be an integer"
            continue;
        }
        auto v = f.number(k.name, k.lo, k.hi);
        if (raw.is_null() || v)
            patch[k.name] = v;
    }
    if (auto v = f.done(); !v)
        co_return problem(v.error(), q.request_id);
    auto job = [id = q.params["id"], patch, has_enabled, enabled](sql::database& db) -> result<std::string> {
        auto h = repo::find_host(db, id);
        if (!h)
            return make_error(errc::not_found, "host not found");
        for (const auto& [k, v] : patch)
            apply_override(h->overrides, k, v);
        if (has_enabled)
            h->enabled = enabled;
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
        if (auto v = f.done(); !v)
            co_return problem(v.error(), q.request_id);
        auto added = co_await q.ctx.hosts.add(std::move(name), std::move(uri));
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
