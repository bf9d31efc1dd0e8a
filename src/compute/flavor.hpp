#pragma once
#include <map>
#include <string>

namespace kumo {

struct flavor {
    std::string id;
    std::string name;
    int vcpus = 1;
    int ram_mb = 512;
    int disk_gb = 0;
    std::map<std::string, std::string> extra_specs;
    std::string created_at, updated_at;
    int ephemeral_gb = 0;  // an extra blank disk each VM gets, deleted with it (0: none)
};

}  // namespace kumo
