#pragma once
// First-fit placement until the scheduler issue replaces it: the first host that is up and has room
// for the VM's vCPUs and RAM. Pure: capacities and current usage are passed in.
#include "kumo/core/error.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace kumo {

struct host_capacity {
    std::string host_id;
    std::string host_name;
    bool up = false;
    int cpus = 0;
    std::int64_t memory_mb = 0;
    int used_vcpus = 0;
    std::int64_t used_ram_mb = 0;
};

struct placement_request {
    int vcpus = 0;
    int ram_mb = 0;
    double cpu_allocation_ratio = 4.0;
    double ram_allocation_ratio = 1.0;
};

// Returns the chosen host id. Errors: no_valid_host with a per-reason summary in the detail.
result<std::string> place_first_fit(const placement_request& req, const std::vector<host_capacity>& hosts);

}  // namespace kumo
