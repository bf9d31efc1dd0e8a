#include "kumo/host/permissions.hpp"

namespace kumo {

std::span<const permission_rule> host_permissions() {
    using br = builtin_role;
    using tk = target_kind;
    static const std::vector<permission_rule> rows = {
        role_rule("host:read", br::admin, tk::cloud, "see hosts"),
        role_rule("host:create", br::admin, tk::cloud, "enroll a host"),
        role_rule("host:update", br::admin, tk::cloud,
                  "enable or disable a host, set its ratios and reservations, trust its new SSH host key"),
        role_rule("host:delete", br::admin, tk::cloud, "remove a host"),
        role_rule("host:maintenance", br::admin, tk::cloud, "put a host in maintenance (empty it) and take it out"),
    };
    return rows;
}

}  // namespace kumo
