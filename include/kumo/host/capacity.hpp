#pragma once
// What a host can hold, pure: the administrator's overrides over the configured allocation ratios and
// reservations, and (total - reserved) x ratio per resource. Placement and the host view both use it,
// so the capacity a host shows is the capacity the scheduler fills.
#include "kumo/core/config.hpp"
#include "kumo/host/host.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <string>

namespace kumo {

// A host's effective allocation settings: its overrides where set, else the daemon's configuration.
struct host_allocation {
    double cpu_ratio = 4.0, ram_ratio = 1.0, disk_ratio = 1.0;
    int reserved_cpus = 0;
    std::int64_t reserved_ram_mb = 0, reserved_disk_gb = 0;
    int max_instances = -1;  // -1: unlimited
};
host_allocation allocation_of(const host& h, const config& cfg);

// (total - reserved) x ratio, rounded down: what is reserved is never overcommitted.
std::int64_t usable_capacity(std::int64_t total, std::int64_t reserved, double ratio);
// What the host can hold per resource, and its instance limit.
claim_usage capacity_of(const host_inventory& inventory, const host_allocation& a);

// A change to a host's overrides: per key, a new value, or nullopt to clear it (back to the config).
using override_patch = std::map<std::string, std::optional<double>>;
void apply_override_patch(host_overrides& o, const override_patch& patch);

}  // namespace kumo
