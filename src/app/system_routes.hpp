#pragma once
// The daemon's own routes (routes_system.cpp).
#include "kumo/host/host_registry.hpp"
#include "kumo/http/router.hpp"

#include <string>

namespace kumo::api {

struct system_api {
    host_registry& hosts;
    std::string web_dir;
};

void add_system_routes(router& r, system_api& x);

}  // namespace kumo::api
