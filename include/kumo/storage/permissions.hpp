#pragma once
// The storage policy rows: volumes and their snapshots (see kumo/identity/policy.hpp).
#include "kumo/identity/policy.hpp"

#include <span>

namespace kumo {

std::span<const permission_rule> storage_permissions();

}  // namespace kumo
