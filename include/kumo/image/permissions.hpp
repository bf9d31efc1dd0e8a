#pragma once
// The image policy rows: images and their sharing (see kumo/identity/policy.hpp).
#include "kumo/identity/policy.hpp"

#include <span>

namespace kumo {

std::span<const permission_rule> image_permissions();

}  // namespace kumo
