#pragma once
// Hosts as administrators see and change them: the API view (inventory, state, scheduling settings,
// capacity and claims) and the settings an administrator sets (enabled, migration address, allocation
// overrides). Core thread.
#include "kumo/core/config.hpp"
#include "kumo/core/json.hpp"
#include "kumo/host/capacity.hpp"
#include "kumo/host/host_registry.hpp"
#include "kumo/store/list_query.hpp"

namespace kumo {

// What an administrator changes with PATCH /hosts/{id}; unset fields stay as they are.
struct host_settings_patch {
    std::optional<bool> enabled;
    std::optional<std::string> migration_address;  // "" clears it
    override_patch overrides;
};

class host_directory {
public:
    host_directory(store& db, event_bus& bus, host_registry& hosts, const config& cfg)
        : store_(db), bus_(bus), hosts_(hosts), cfg_(cfg) {}

    // Full views (with "scheduling": settings, capacity and claims), in the query's page.
    awaitable<result<std::vector<json>>> list(repo::list_query q);
    // Errors: not_found.
    awaitable<result<json>> get(std::string id);
    // Stores the settings and publishes the host. Errors: not_found.
    awaitable<result<json>> update(std::string id, host_settings_patch patch);
    // The registry's view of a host with the settings stored for it (after an action on it).
    // Errors: not_found.
    awaitable<result<json>> current(std::string id);
    // The pool's baseline CPU and what each host contributes to it.
    json baseline_view() const;

private:
    struct host_with_usage {
        host h;
        claim_usage used;
    };
    // One page of hosts, or the one host `id`, with their claims, in one store read.
    awaitable<result<std::vector<host_with_usage>>> read(repo::list_query q, std::string id);
    json full_view(const host_with_usage& x) const;

    store& store_;
    event_bus& bus_;
    host_registry& hosts_;
    const config& cfg_;
};

}  // namespace kumo
