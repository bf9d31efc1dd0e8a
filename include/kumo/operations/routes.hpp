#pragma once
// /operations (routes_operations.cpp).
#include "kumo/http/router.hpp"
#include "kumo/operations/operations.hpp"

namespace kumo::api {

void add_operation_routes(router& r, operations& ops);

}  // namespace kumo::api
