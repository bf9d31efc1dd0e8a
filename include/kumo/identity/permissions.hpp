#pragma once
// The identity policy rows: logging in, one's own token and credentials, and administering domains,
// projects, users, groups, roles, quotas and the audit log (see kumo/identity/policy.hpp).
#include "kumo/identity/policy.hpp"

#include <span>

namespace kumo {

std::span<const permission_rule> identity_permissions();

}  // namespace kumo
