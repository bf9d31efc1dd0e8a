#pragma once
// The operations policy rows: operations and the events stream (see kumo/identity/policy.hpp).
#include "kumo/identity/policy.hpp"

#include <span>

namespace kumo {

std::span<const permission_rule> operations_permissions();

}  // namespace kumo
