#include "kumo/host/host_directory.hpp"

#include "kumo/core/clock.hpp"
#include "kumo/host/claim_repo.hpp"
#include "kumo/host/host_repo.hpp"
#include "kumo/host/host_views.hpp"

#include <algorithm>

namespace kumo {
namespace {

// result<json> cannot be built implicitly from a json (it converts to too many things).
result<json> view_result(json v) {
    return result<json>(boost::system::in_place_value, std::move(v));
}

}  // namespace

awaitable<result<std::vector<host_directory::host_with_usage>>> host_directory::read(repo::list_query q,
                                                                                     std::string id) {
    auto job = [q, id](sql::database& db) -> result<std::vector<host_with_usage>> {
        std::vector<host> hosts;
        if (!id.empty()) {
            if (auto h = repo::find_host(db, id))
                hosts.push_back(*h);
        } else {
            hosts = repo::list_hosts(db, q);
        }
        const auto usage = repo::claims_by_host(db);
        std::vector<host_with_usage> out;
        for (auto& h : hosts) {
            auto u = usage.find(h.id);
            out.push_back({std::move(h), u == usage.end() ? claim_usage{} : u->second});
        }
        return out;
    };
    auto found = co_await store_.read(std::move(job));
    co_return found;
}

json host_directory::full_view(const host_with_usage& x) const {
    json v = host_view(x.h, hosts_.unknown_domains(x.h.id));
    v["scheduling"] = host_scheduling_view(x.h, allocation_of(x.h, cfg_), x.used);
    return v;
}

awaitable<result<std::vector<json>>> host_directory::list(repo::list_query q) {
    std::string all;
    KUMO_CO_TRY(const auto hosts, co_await read(std::move(q), std::move(all)));
    std::vector<json> views;
    for (const auto& h : hosts)
        views.push_back(full_view(h));
    co_return views;
}

awaitable<result<json>> host_directory::get(std::string id) {
    repo::list_query one;
    KUMO_CO_TRY(const auto found, co_await read(std::move(one), std::move(id)));
    if (found.empty())
        co_return make_error(errc::not_found, "host not found");
    co_return view_result(full_view(found.front()));
}

awaitable<result<json>> host_directory::update(std::string id, host_settings_patch patch) {
    auto job = [id, patch](sql::database& db) -> result<void> {
        auto h = repo::find_host(db, id);
        if (!h)
            return make_error(errc::not_found, "host not found");
        apply_override_patch(h->overrides, patch.overrides);
        h->enabled = patch.enabled.value_or(h->enabled);
        h->migration_address = patch.migration_address.value_or(h->migration_address);
        h->updated_at = to_rfc3339(system_clock().now());
        repo::update_host_settings(db, *h);
        return {};
    };
    KUMO_CO_TRY_VOID(co_await store_.write(std::move(job)));
    KUMO_CO_TRY(json view, co_await get(id));
    bus_.publish({"host", "updated", id, "", view});
    co_return view_result(std::move(view));
}

awaitable<result<json>> host_directory::current(std::string id) {
    auto h = hosts_.find(id);
    if (!h)
        co_return make_error(errc::not_found, "host not found");
    auto job = [id](sql::database& db) -> result<std::optional<host>> { return repo::find_host(db, id); };
    auto stored = co_await store_.read(std::move(job));
    if (stored && *stored) {  // the administrator's settings live in the database
        h->enabled = (*stored)->enabled;
        h->maintenance = (*stored)->maintenance;
    }
    co_return view_result(host_view(*h, hosts_.unknown_domains(id)));
}

json host_directory::baseline_view() const {
    const auto& b = hosts_.baseline();
    json hosts = json::array();
    for (const auto& h : hosts_.hosts())
        hosts.push_back(
            json{{"id", h.id},
                 {"name", h.name},
                 {"virt_type", h.virt_type},
                 {"cpu_model", h.inventory.cpu_model},
                 {"cpu_features", h.inventory.cpu_features},
                 {"in_baseline", std::find(b.host_ids.begin(), b.host_ids.end(), h.id) != b.host_ids.end()}});
    return json{{"mode", cfg_.cpu_mode},
                {"model", b.model.empty() ? json(nullptr) : json(b.model)},
                {"features", b.features},
                {"xml", b.xml.empty() ? json(nullptr) : json(b.xml)},
                {"hosts", std::move(hosts)}};
}

}  // namespace kumo
