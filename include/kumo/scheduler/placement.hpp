#pragma once
// Builds the scheduler's snapshot from the database and runs the pure engine. Runs on the store thread
// inside the caller's transaction, so the decision and the claim that records it cannot be separated
// by a concurrent placement (the store executes one job at a time).
#include "kumo/core/config.hpp"
#include "kumo/core/error.hpp"
#include "kumo/host/host.hpp"
#include "kumo/scheduler/scheduler.hpp"
#include "kumo/scheduler/scheduling.hpp"
#include "kumo/store/database.hpp"

#include <functional>
#include <set>
#include <string_view>
#include <vector>

namespace kumo {

struct placement_input {
    std::string project_id;  // the server group must belong to it
    int vcpus = 1;
    std::int64_t ram_mb = 0, disk_gb = 0;
    std::map<std::string, std::string> extra_specs;
    std::string availability_zone, server_group_id, host_id;
    std::string excluded_host_id;  // a migration's source
    std::uint64_t random_seed = 0;
};

scheduler_settings scheduler_settings_from(const config& cfg);

// A host with the daemon's defaults applied where it has no override. `usage` may be empty.
host_state host_state_of(const host& h, const config& cfg, bool up, const claim_usage& usage);

class placement {
public:
    explicit placement(const config& cfg) : cfg_(cfg) {}

    // Which VMs belong to a server group: the compute module's answer (its VMs name their group).
    // Runs on the store thread; set at start-up.
    using group_members = std::function<std::vector<std::string>(sql::database&, std::string_view group_id)>;
    void set_group_members(group_members f) { members_ = std::move(f); }
    std::vector<std::string> members_of(sql::database& db, std::string_view group_id) const;

    // Errors: validation_failed (host_id, availability_zone, server_group_id) for references that do not
    // exist; the decision itself may have no chosen host (the caller answers no_valid_host).
    result<placement_decision> decide(sql::database& db, const std::set<std::string>& up_hosts,
                                      const placement_input& in) const;

private:
    const config& cfg_;
    group_members members_;
};

}  // namespace kumo
