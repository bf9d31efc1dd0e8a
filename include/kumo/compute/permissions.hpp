#pragma once
// The compute policy rows: flavors, VMs and their snapshots and consoles, key pairs (see kumo/identity/policy.hpp).
#include "kumo/identity/policy.hpp"

#include <span>

namespace kumo {

std::span<const permission_rule> compute_permissions();

}  // namespace kumo
