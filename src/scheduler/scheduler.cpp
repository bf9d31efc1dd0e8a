#include "kumo/scheduler/scheduler.hpp"

#include <fmt/format.h>
#include <algorithm>
#include <array>
#include <cmath>
#include <functional>

namespace kumo {
namespace {

using reject = std::optional<std::string>;  // why a filter rejects a host; nullopt: it passes
using filter_fn = std::function<reject(const sched_request&, const host_state&)>;

struct named_filter {
    std::string name;
    filter_fn run;
};

std::int64_t free_vcpus(const host_state& h) {
    return usable_capacity(h.cpus, h.reserved_cpus, h.cpu_ratio) - h.used_vcpus;
}
std::int64_t free_ram(const host_state& h) {
    return usable_capacity(h.ram_mb, h.reserved_ram_mb, h.ram_ratio) - h.used_ram_mb;
}
std::int64_t free_disk(const host_state& h) {
    return usable_capacity(h.disk_gb, h.reserved_disk_gb, h.disk_ratio) - h.used_disk_gb;
}

reject status_filter(const sched_request&, const host_state& h) {
    if (!h.up)
        return "host is down";
    if (!h.enabled)
        return "host is disabled";
    if (h.maintenance)
        return "host is in maintenance";
    return std::nullopt;
}

reject requested_host_filter(const sched_request& r, const host_state& h) {
    if (!r.only_host_id.empty() && r.only_host_id != h.id)
        return "not the requested host";
    if (!r.excluded_host_id.empty() && r.excluded_host_id == h.id)
        return "the VM's current host";
    return std::nullopt;
}

reject zone_filter(const sched_request& r, const host_state& h) {
    if (!r.availability_zone.empty() && r.availability_zone != h.availability_zone)
        return fmt::format("in zone '{}', not '{}'", h.availability_zone, r.availability_zone);
    return std::nullopt;
}

// Unscoped extra_specs keys and `aggregate_instance_extra_specs:` ones (Nova's spelling) are aggregate
// metadata requirements; other namespaces (hw:, quota:) belong to other filters.
std::optional<std::string> aggregate_key(const std::string& key) {
    static const std::string scope = "aggregate_instance_extra_specs:";
    if (key.rfind(scope, 0) == 0)
        return key.substr(scope.size());
    if (key.find(':') == std::string::npos)
        return key;
    return std::nullopt;
}

reject aggregate_filter(const sched_request& r, const host_state& h) {
    for (const auto& [k, want] : r.extra_specs) {
        auto key = aggregate_key(k);
        if (!key)
            continue;
        auto it = h.aggregate_metadata.find(*key);
        if (it == h.aggregate_metadata.end() || !it->second.count(want))
            return fmt::format("no aggregate with {}={}", *key, want);
    }
    return std::nullopt;
}

reject hardware_filter(const sched_request& r, const host_state& h) {
    if (!r.required_arch.empty() && r.required_arch != h.arch)
        return fmt::format("arch {} != required {}", h.arch, r.required_arch);
    if (!r.required_hypervisor_type.empty() && r.required_hypervisor_type != h.hypervisor_type)
        return fmt::format("hypervisor {} != required {}", h.hypervisor_type, r.required_hypervisor_type);
    for (const auto& f : r.required_cpu_features)
        if (!h.cpu_features.count(f))
            return fmt::format("CPU lacks feature {}", f);
    return std::nullopt;
}

reject group_filter(const sched_request& r, const host_state& h) {
    // The group's first VM may go anywhere; later ones follow it.
    if (r.group == group_policy::affinity && r.group_placed && h.group_members == 0)
        return "affinity: the group's VMs run elsewhere";
    if (r.group == group_policy::anti_affinity && h.group_members > 0)
        return fmt::format("anti-affinity: {} VM(s) of the group already here", h.group_members);
    return std::nullopt;
}

reject instances_filter(const sched_request&, const host_state& h) {
    if (h.max_instances >= 0 && h.instances >= h.max_instances)
        return fmt::format("{} instances, limit {}", h.instances, h.max_instances);
    return std::nullopt;
}

reject ram_filter(const sched_request& r, const host_state& h) {
    if (r.ram_mb > free_ram(h))
        return fmt::format("needs {} MiB RAM, {} free", r.ram_mb, std::max<std::int64_t>(free_ram(h), 0));
    return std::nullopt;
}

reject vcpu_filter(const sched_request& r, const host_state& h) {
    if (r.vcpus > free_vcpus(h))
        return fmt::format("needs {} vCPUs, {} free", r.vcpus, std::max<std::int64_t>(free_vcpus(h), 0));
    return std::nullopt;
}

reject disk_filter(const sched_request& r, const host_state& h) {
    if (h.disk_gb == 0)
        return std::nullopt;  // no storage pool reported: disk is not tracked on this host
    if (r.disk_gb > free_disk(h))
        return fmt::format("needs {} GiB disk, {} free", r.disk_gb, std::max<std::int64_t>(free_disk(h), 0));
    return std::nullopt;
}

// Cheap, selective filters first: a host is reported against the first one that rejects it.
const std::vector<named_filter>& filters() {
    static const std::vector<named_filter> all = {
        {"status", status_filter},
        {"requested_host", requested_host_filter},
        {"availability_zone", zone_filter},
        {"aggregate_metadata", aggregate_filter},
        {"hardware", hardware_filter},
        {"server_group", group_filter},
        {"max_instances", instances_filter},
        {"ram", ram_filter},
        {"vcpu", vcpu_filter},
        {"disk", disk_filter},
    };
    return all;
}

struct weigher {
    const char* name;
    double multiplier;
    std::function<std::optional<double>(const host_state&)> raw;  // larger is better; nullopt: not known
};

std::vector<weigher> weighers(const sched_request& r, const scheduler_settings& s) {
    // Spread prefers free resources and few instances; pack the opposite.
    const double sign = s.pack ? -1.0 : 1.0;
    std::vector<weigher> w = {
        {"ram", s.ram_weight, [sign](const host_state& h) { return sign * static_cast<double>(free_ram(h)); }},
        {"vcpu", s.vcpu_weight, [sign](const host_state& h) { return sign * static_cast<double>(free_vcpus(h)); }},
        // A host without a storage pool has no known free disk: it neither gains nor loses by it.
        {"disk", s.disk_weight,
         [sign](const host_state& h) -> std::optional<double> {
             if (h.disk_gb == 0)
                 return std::nullopt;
             return sign * static_cast<double>(free_disk(h));
         }},
        {"instances", s.instances_weight, [sign](const host_state& h) { return -sign * h.instances; }},
    };
    if (r.group == group_policy::soft_affinity)
        w.push_back({"soft_affinity", s.soft_affinity_weight,
                     [](const host_state& h) { return static_cast<double>(h.group_members); }});
    if (r.group == group_policy::soft_anti_affinity)
        w.push_back({"soft_anti_affinity", s.soft_affinity_weight,
                     [](const host_state& h) { return -static_cast<double>(h.group_members); }});
    return w;
}

// Each weigher's raw values are scaled to [0,1] over the eligible hosts (Nova's normalization), so a
// multiplier means the same whatever the unit; all-equal values weigh 0, unknown ones weigh 0 and do not
// take part in the scaling.
void weigh(std::vector<host_verdict>& verdicts, const std::vector<const host_state*>& states, const sched_request& r,
           const scheduler_settings& s) {
    for (const auto& w : weighers(r, s)) {
        std::vector<std::optional<double>> raw;
        double lo = 0, hi = 0;
        bool any = false;
        for (const auto* h : states) {
            raw.push_back(w.raw(*h));
            if (raw.back()) {
                lo = any ? std::min(lo, *raw.back()) : *raw.back();
                hi = any ? std::max(hi, *raw.back()) : *raw.back();
                any = true;
            }
        }
        for (std::size_t i = 0; i < raw.size(); ++i) {
            const double norm = raw[i] && hi > lo ? (*raw[i] - lo) / (hi - lo) : 0.0;
            verdicts[i].weights[w.name] = norm * w.multiplier;
            verdicts[i].weight += norm * w.multiplier;
        }
    }
}

std::string join(const std::vector<std::string>& parts, std::string_view sep) {
    std::string out;
    for (const auto& p : parts)
        out += (out.empty() ? "" : std::string(sep)) + p;
    return out;
}

std::uint64_t splitmix64(std::uint64_t x) {
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

std::string summarize(std::size_t total, const std::vector<host_verdict>& rejected, std::size_t eligible) {
    if (total == 0)
        return "no hosts are registered";
    std::map<std::string, int> by_filter;
    for (const auto& v : rejected)
        ++by_filter[v.filter];
    std::vector<std::string> parts;
    for (const auto& name : filter_names())
        if (by_filter.count(name))
            parts.push_back(fmt::format("{} {}", by_filter[name], name));
    std::string out = fmt::format("{} of {} hosts eligible", eligible, total);
    if (!parts.empty())
        out += "; rejected by " + join(parts, ", ");
    return out;
}

}  // namespace

std::optional<group_policy> parse_group_policy(std::string_view s) {
    for (auto p : {group_policy::affinity, group_policy::anti_affinity, group_policy::soft_affinity,
                   group_policy::soft_anti_affinity})
        if (s == to_string(p))
            return p;
    return std::nullopt;
}

const char* to_string(group_policy p) {
    switch (p) {
        case group_policy::affinity: return "affinity";
        case group_policy::anti_affinity: return "anti-affinity";
        case group_policy::soft_affinity: return "soft-affinity";
        case group_policy::soft_anti_affinity: return "soft-anti-affinity";
        case group_policy::none: break;
    }
    return "";
}

const std::vector<std::string>& filter_names() {
    static const std::vector<std::string> names = [] {
        std::vector<std::string> n;
        for (const auto& f : filters())
            n.push_back(f.name);
        return n;
    }();
    return names;
}

void apply_hardware_specs(sched_request& req) {
    auto spec = [&](const char* key) {
        auto it = req.extra_specs.find(key);
        return it == req.extra_specs.end() ? std::string() : it->second;
    };
    if (req.required_arch.empty())
        req.required_arch = spec("hw:arch");
    if (req.required_hypervisor_type.empty())
        req.required_hypervisor_type = spec("hw:hypervisor_type");
    std::string word;
    for (char c : spec("hw:cpu_features") + ",") {
        if (c != ',' && c != ' ') {
            word += c;
        } else if (!word.empty()) {
            req.required_cpu_features.push_back(word);
            word.clear();
        }
    }
}

placement_decision schedule(const sched_request& req, const std::vector<host_state>& hosts,
                            const scheduler_settings& settings) {
    placement_decision out;
    sched_request r = req;
    r.group_placed = std::any_of(hosts.begin(), hosts.end(), [](const host_state& h) { return h.group_members > 0; });
    std::vector<const host_state*> eligible;
    for (const auto& h : hosts) {
        host_verdict v{h.id, h.name, true, "", "", 0, {}};
        for (const auto& f : filters()) {
            if (auto why = f.run(r, h)) {
                v.eligible = false;
                v.filter = f.name;
                v.reason = std::move(*why);
                break;
            }
        }
        if (v.eligible) {
            eligible.push_back(&h);
            out.ranked.push_back(std::move(v));
        } else {
            out.rejected.push_back(std::move(v));
        }
    }
    if (settings.how == scheduler_settings::placer::filter_weigher)
        weigh(out.ranked, eligible, r, settings);
    // Deterministic: weight, then name, then id.
    std::stable_sort(out.ranked.begin(), out.ranked.end(), [](const host_verdict& a, const host_verdict& b) {
        if (a.weight != b.weight)
            return a.weight > b.weight;
        return std::tie(a.host_name, a.host_id) < std::tie(b.host_name, b.host_id);
    });
    if (!out.ranked.empty()) {
        std::size_t pick = 0;
        if (settings.how == scheduler_settings::placer::random)
            pick = splitmix64(req.random_seed) % out.ranked.size();
        out.chosen = out.ranked[pick].host_id;
    }
    out.summary = summarize(hosts.size(), out.rejected, out.ranked.size());
    return out;
}

}  // namespace kumo
