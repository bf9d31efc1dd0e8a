#include "kumo/domain/placement.hpp"

#include <fmt/format.h>

namespace kumo {

result<std::string> place_first_fit(const placement_request& req, const std::vector<host_capacity>& hosts) {
    int down = 0, no_cpu = 0, no_ram = 0;
    for (const auto& h : hosts) {
        if (!h.up) {
            ++down;
            continue;
        }
        const double cpu_limit = h.cpus * req.cpu_allocation_ratio;
        const double ram_limit = static_cast<double>(h.memory_mb) * req.ram_allocation_ratio;
        if (h.used_vcpus + req.vcpus > cpu_limit) {
            ++no_cpu;
            continue;
        }
        if (static_cast<double>(h.used_ram_mb + req.ram_mb) > ram_limit) {
            ++no_ram;
            continue;
        }
        return h.host_id;
    }
    if (hosts.empty())
        return make_error(errc::no_valid_host, "no hosts are registered; add one with POST /api/v1/hosts");
    return make_error(errc::no_valid_host, fmt::format("{} hosts rejected: down ({}), vcpus ({}), ram ({})",
                                                       hosts.size(), down, no_cpu, no_ram));
}

}  // namespace kumo
