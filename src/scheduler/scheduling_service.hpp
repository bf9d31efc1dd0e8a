#pragma once
// Server groups (a project's rule for where its VMs run relative to each other) and host aggregates
// (an administrator's labels on groups of hosts, optionally an availability zone). Core thread.
#include "kumo/core/config.hpp"
#include "kumo/identity/model.hpp"
#include "kumo/scheduler/placement.hpp"
#include "kumo/scheduler/scheduling.hpp"
#include "kumo/store/list_query.hpp"
#include "kumo/store/store.hpp"

#include <map>
#include <optional>

namespace kumo {

// The fields of an aggregate create or update; unset = unchanged. `zone` "" takes it out of its zone.
struct aggregate_fields {
    std::optional<std::string> name, zone;
    std::optional<std::map<std::string, std::string>> metadata;
};

class scheduling_service {
public:
    scheduling_service(store& db, const placement& p, const config& cfg) : store_(db), placement_(p), cfg_(cfg) {}

    // Errors: forbidden (not project-scoped).
    awaitable<result<server_group>> create_group(const principal& who, std::string name, std::string policy);
    // Errors: not_found (also for another project's group).
    awaitable<result<server_group>> get_group(const principal& who, std::string id);
    // The caller's project's groups; every project's for an administrator asking for all.
    awaitable<result<std::vector<server_group>>> list_groups(const principal& who, repo::list_query q,
                                                             bool all_projects);
    // Errors: not_found, conflict (the group still has VMs).
    awaitable<result<void>> delete_group(const principal& who, std::string id);

    // Errors: conflict (a host would be in two zones, a duplicate name).
    awaitable<result<aggregate>> create_aggregate(aggregate_fields f);
    // Errors: not_found.
    awaitable<result<aggregate>> get_aggregate(std::string id);
    awaitable<result<std::vector<aggregate>>> list_aggregates(repo::list_query q);
    // Errors: not_found, conflict (a host would be in two zones).
    awaitable<result<aggregate>> update_aggregate(std::string id, aggregate_fields f);
    // Errors: not_found.
    awaitable<result<void>> delete_aggregate(std::string id);
    // Errors: not_found (aggregate, host, or a host not in it), conflict (two zones).
    awaitable<result<aggregate>> add_host(std::string id, std::string host_id);
    awaitable<result<aggregate>> remove_host(std::string id, std::string host_id);
    // Every zone name: the default zone and the aggregates' zones.
    awaitable<result<std::vector<std::string>>> zones();

private:
    awaitable<result<aggregate>> change_host(std::string id, std::string host_id, bool add);

    store& store_;
    const placement& placement_;
    const config& cfg_;
};

}  // namespace kumo
