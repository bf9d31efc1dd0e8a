#pragma once
// The daemon's own routes (routes_system.cpp).
#include "kumo/host/host_registry.hpp"
#include "kumo/http/router.hpp"

#include <span>
#include <string>

namespace kumo::api {

struct system_api {
    host_registry& hosts;
    std::string web_dir;
};

void add_system_routes(router& r, system_api& x);
// system:read (health, version, the OpenAPI document: for anyone).
std::span<const permission_rule> system_permissions();

}  // namespace kumo::api
