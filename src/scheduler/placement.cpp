#include "kumo/scheduler/placement.hpp"

#include "kumo/host/claim_repo.hpp"
#include "kumo/host/host_repo.hpp"
#include "scheduling_repo.hpp"

namespace kumo {
namespace {

struct host_labels {
    std::string zone;
    std::map<std::string, std::set<std::string>> metadata;
};

std::map<std::string, host_labels> labels_by_host(const std::vector<aggregate>& aggregates) {
    std::map<std::string, host_labels> out;
    for (const auto& a : aggregates)
        for (const auto& h : a.hosts) {
            auto& l = out[h];
            if (!a.availability_zone.empty())
                l.zone = a.availability_zone;
            for (const auto& [k, v] : a.metadata)
                l.metadata[k].insert(v);
        }
    return out;
}

bool zone_exists(const std::vector<aggregate>& aggregates, const config& cfg, const std::string& zone) {
    if (zone == cfg.default_availability_zone)
        return true;
    for (const auto& a : aggregates)
        if (a.availability_zone == zone)
            return true;
    return false;
}

}  // namespace

scheduler_settings scheduler_settings_from(const config& cfg) {
    scheduler_settings s;
    s.how = cfg.scheduler_placer == "random" ? scheduler_settings::placer::random
                                             : scheduler_settings::placer::filter_weigher;
    s.pack = cfg.scheduler_policy == "pack";
    s.ram_weight = cfg.weight_ram;
    s.vcpu_weight = cfg.weight_vcpu;
    s.disk_weight = cfg.weight_disk;
    s.instances_weight = cfg.weight_instances;
    s.soft_affinity_weight = cfg.weight_soft_affinity;
    return s;
}

host_state host_state_of(const host& h, const config& cfg, bool up, const claim_usage& usage) {
    const host_allocation a = allocation_of(h, cfg);
    host_state s;
    s.id = h.id;
    s.name = h.name;
    s.up = up;
    s.enabled = h.enabled;
    s.maintenance = h.maintenance;
    s.arch = h.inventory.arch;
    s.hypervisor_type = h.virt_type;
    s.cpu_features = {h.inventory.cpu_features.begin(), h.inventory.cpu_features.end()};
    s.cpus = h.inventory.cpus;
    s.ram_mb = h.inventory.memory_mb;
    s.disk_gb = h.inventory.disk_gb;
    s.reserved_cpus = a.reserved_cpus;
    s.reserved_ram_mb = a.reserved_ram_mb;
    s.reserved_disk_gb = a.reserved_disk_gb;
    s.cpu_ratio = a.cpu_ratio;
    s.ram_ratio = a.ram_ratio;
    s.disk_ratio = a.disk_ratio;
    s.max_instances = a.max_instances;
    s.availability_zone = cfg.default_availability_zone;
    s.used_vcpus = usage.vcpus;
    s.used_ram_mb = usage.ram_mb;
    s.used_disk_gb = usage.disk_gb;
    s.instances = usage.instances;
    return s;
}

std::vector<std::string> placement::members_of(sql::database& db, std::string_view group_id) const {
    return members_ ? members_(db, group_id) : std::vector<std::string>{};
}

result<placement_decision> placement::decide(sql::database& db, const std::set<std::string>& up_hosts,
                                             const placement_input& in) const {
    const config& cfg = cfg_;
    sched_request req;
    req.vcpus = in.vcpus;
    req.ram_mb = in.ram_mb;
    req.disk_gb = in.disk_gb;
    req.extra_specs = in.extra_specs;
    req.availability_zone = in.availability_zone;
    req.only_host_id = in.host_id;
    req.excluded_host_id = in.excluded_host_id;
    req.random_seed = in.random_seed;
    apply_hardware_specs(req);
    if (!in.host_id.empty() && !repo::find_host(db, in.host_id))
        return validation_error("host_id", "no host with this id");
    const auto aggregates = repo::all_aggregates(db);
    if (!in.availability_zone.empty() && !zone_exists(aggregates, cfg, in.availability_zone))
        return validation_error("availability_zone", "no availability zone with this name");
    std::map<std::string, int> group_hosts;
    if (!in.server_group_id.empty()) {
        auto g = repo::find_server_group(db, in.server_group_id);
        if (!g || g->project_id != in.project_id)
            return validation_error("server_group_id", "no server group with this id in the project");
        req.group = parse_group_policy(g->policy).value_or(group_policy::none);
        group_hosts = repo::claim_hosts_of(db, members_of(db, g->id));  // a failed build holds no place
    }
    const auto usage = repo::claims_by_host(db);
    const auto labels = labels_by_host(aggregates);
    std::vector<host_state> states;
    for (const auto& h : repo::all_hosts(db)) {
        auto u = usage.find(h.id);
        auto s = host_state_of(h, cfg, up_hosts.count(h.id) > 0, u == usage.end() ? claim_usage{} : u->second);
        if (auto l = labels.find(h.id); l != labels.end()) {
            if (!l->second.zone.empty())
                s.availability_zone = l->second.zone;
            s.aggregate_metadata = l->second.metadata;
        }
        if (auto g = group_hosts.find(h.id); g != group_hosts.end())
            s.group_members = g->second;
        states.push_back(std::move(s));
    }
    return schedule(req, states, scheduler_settings_from(cfg));
}

}  // namespace kumo
