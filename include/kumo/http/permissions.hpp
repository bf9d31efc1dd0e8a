#pragma once
// The http policy rows: the events stream (see kumo/identity/policy.hpp).
#include "kumo/identity/policy.hpp"

#include <span>

namespace kumo {

std::span<const permission_rule> http_permissions();

}  // namespace kumo
