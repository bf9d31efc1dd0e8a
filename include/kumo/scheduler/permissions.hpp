#pragma once
// The scheduler policy rows: server groups, aggregates and availability zones, the placement explanation (see
// kumo/identity/policy.hpp).
#include "kumo/identity/policy.hpp"

#include <span>

namespace kumo {

std::span<const permission_rule> scheduler_permissions();

}  // namespace kumo
