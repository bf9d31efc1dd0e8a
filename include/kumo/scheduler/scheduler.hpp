#pragma once
// The placement engine: filters, then weighers (Nova's filter scheduler). Pure: no I/O, no clock,
// no global random state. Input: a request and a snapshot of every host; output: the ranked eligible
// hosts and, for every other host, the filter that rejected it and why. The caller records the
// chosen host's claim in the same transaction that read the snapshot (see kumo/scheduler/placement.hpp).
#include "kumo/host/capacity.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace kumo {

enum class group_policy { none, affinity, anti_affinity, soft_affinity, soft_anti_affinity };
std::optional<group_policy> parse_group_policy(std::string_view s);
const char* to_string(group_policy p);

// One host as the scheduler sees it: capacity, resolved ratios and reservations, labels, usage.
struct host_state {
    std::string id, name;
    bool up = false, enabled = true, maintenance = false;
    std::string arch;             // x86_64, aarch64 ...
    std::string hypervisor_type;  // kvm, qemu, xen, test (the domain type written for this host)
    std::set<std::string> cpu_features;
    int cpus = 0;
    std::int64_t ram_mb = 0, disk_gb = 0;  // disk_gb 0: the host reports no storage pool, disk untracked
    int reserved_cpus = 0;
    std::int64_t reserved_ram_mb = 0, reserved_disk_gb = 0;
    double cpu_ratio = 4.0, ram_ratio = 1.0, disk_ratio = 1.0;
    int max_instances = -1;  // -1: unlimited
    std::string availability_zone;
    std::map<std::string, std::set<std::string>> aggregate_metadata;  // key -> values over its aggregates
    int used_vcpus = 0;
    std::int64_t used_ram_mb = 0, used_disk_gb = 0;
    int instances = 0;
    int group_members = 0;  // VMs of the request's server group already on this host
};

// What is being placed. Hardware requirements come from flavor extra_specs (`hw:arch`,
// `hw:hypervisor_type`, `hw:cpu_features`) and, later, image properties; other extra_specs keys
// must be matched by the metadata of an aggregate the host belongs to.
struct sched_request {
    int vcpus = 1;
    std::int64_t ram_mb = 0, disk_gb = 0;
    std::string availability_zone;                   // empty: any
    std::map<std::string, std::string> extra_specs;  // flavor's
    std::string required_arch, required_hypervisor_type;
    std::vector<std::string> required_cpu_features;
    group_policy group = group_policy::none;
    bool group_placed = false;     // set by schedule(): some host already runs a VM of the group
    std::string only_host_id;      // admin's explicit choice: still filtered, so it cannot overcommit
    std::string excluded_host_id;  // a migration: the host the VM leaves
    std::uint64_t random_seed = 0;
};

struct scheduler_settings {
    enum class placer { filter_weigher, random } how = placer::filter_weigher;
    bool pack = false;  // pack: fill the fullest host first; spread (default): the emptiest
    double ram_weight = 1.0, vcpu_weight = 1.0, disk_weight = 1.0, instances_weight = 1.0;
    double soft_affinity_weight = 10.0;  // above the sum of the others: a soft policy still decides
};

struct host_verdict {
    std::string host_id, host_name;
    bool eligible = false;
    std::string filter;  // the rejecting filter; empty when eligible
    std::string reason;
    double weight = 0;                      // eligible hosts only
    std::map<std::string, double> weights;  // weigher name -> normalized value x multiplier
};

struct placement_decision {
    std::vector<host_verdict> ranked;    // eligible hosts, best first
    std::vector<host_verdict> rejected;  // in host order
    std::optional<std::string> chosen;   // ranked.front() (filter_weigher) or a random eligible host
    std::string summary;                 // "3 hosts: 1 ram, 2 anti_affinity" (no host names)
};

// Every filter in the order they run; names used in verdicts and summaries.
const std::vector<std::string>& filter_names();

placement_decision schedule(const sched_request& req, const std::vector<host_state>& hosts,
                            const scheduler_settings& settings);

// Fills required_* of the request from the flavor's `hw:*` extra_specs.
void apply_hardware_specs(sched_request& req);

}  // namespace kumo
