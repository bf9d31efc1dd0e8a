#include "kumo/host/capacity.hpp"

#include <cmath>
#include <type_traits>

namespace kumo {

host_allocation allocation_of(const host& h, const config& cfg) {
    const auto& o = h.overrides;
    host_allocation a;
    a.reserved_cpus = static_cast<int>(o.reserved_cpus.value_or(cfg.reserved_host_cpus));
    a.reserved_ram_mb = o.reserved_ram_mb.value_or(cfg.reserved_host_ram_mb);
    a.reserved_disk_gb = o.reserved_disk_gb.value_or(cfg.reserved_host_disk_gb);
    a.cpu_ratio = o.cpu_allocation_ratio.value_or(cfg.cpu_allocation_ratio);
    a.ram_ratio = o.ram_allocation_ratio.value_or(cfg.ram_allocation_ratio);
    a.disk_ratio = o.disk_allocation_ratio.value_or(cfg.disk_allocation_ratio);
    a.max_instances = static_cast<int>(o.max_instances.value_or(cfg.max_instances_per_host));
    return a;
}

std::int64_t usable_capacity(std::int64_t total, std::int64_t reserved, double ratio) {
    return static_cast<std::int64_t>(std::floor(static_cast<double>(total - reserved) * ratio));
}

claim_usage capacity_of(const host_inventory& inventory, const host_allocation& a) {
    return claim_usage{static_cast<int>(usable_capacity(inventory.cpus, a.reserved_cpus, a.cpu_ratio)),
                       usable_capacity(inventory.memory_mb, a.reserved_ram_mb, a.ram_ratio),
                       usable_capacity(inventory.disk_gb, a.reserved_disk_gb, a.disk_ratio), a.max_instances};
}

void apply_override_patch(host_overrides& o, const override_patch& patch) {
    for_each_override(o, [&](const char* key, auto& field) {
        auto it = patch.find(key);
        if (it == patch.end())
            return;
        using T = typename std::decay_t<decltype(field)>::value_type;
        field = it->second ? std::optional<T>(static_cast<T>(*it->second)) : std::nullopt;
    });
}

}  // namespace kumo
