#pragma once
// The scheduler module's routes (routes_scheduling.cpp).
#include "kumo/http/router.hpp"
#include "scheduling_service.hpp"

namespace kumo::api {

void add_scheduling_routes(router& r, scheduling_service& s);

}  // namespace kumo::api
