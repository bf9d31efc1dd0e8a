#pragma once
// Server groups (where a project's VMs may run relative to each other) and host aggregates (admin
// labels on groups of hosts, optionally exposed as an availability zone).
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace kumo {

struct server_group {
    std::string id;
    std::string name;
    std::string project_id;
    std::string user_id;
    std::string policy;                // affinity, anti-affinity, soft-affinity, soft-anti-affinity
    std::vector<std::string> members;  // VM ids
    std::string created_at, updated_at;
};

struct aggregate {
    std::string id;
    std::string name;
    std::string availability_zone;  // empty: not a zone
    std::map<std::string, std::string> metadata;
    std::vector<std::string> hosts;  // host ids
    std::string created_at, updated_at;
};

}  // namespace kumo
