#pragma once
// The host policy rows: enrolling, seeing, changing and removing hosts, maintenance (see kumo/identity/policy.hpp).
#include "kumo/identity/policy.hpp"

#include <span>

namespace kumo {

std::span<const permission_rule> host_permissions();

}  // namespace kumo
