#pragma once
// The host module's routes (routes_hosts.cpp).
#include "kumo/host/host_directory.hpp"
#include "kumo/http/router.hpp"

namespace kumo::api {

struct host_api {
    host_registry& hosts;
    host_directory& dir;
};

void add_host_routes(router& r, host_api& x);

}  // namespace kumo::api
