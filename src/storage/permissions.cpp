#include "kumo/storage/permissions.hpp"

namespace kumo {

std::span<const permission_rule> storage_permissions() {
    using br = builtin_role;
    using tk = target_kind;
    static const std::vector<permission_rule> rows = {
        role_rule("volume:read", br::reader, tk::project, "see volumes"),
        role_rule("volume:create", br::member, tk::project, "create a volume"),
        role_rule("volume:update", br::member, tk::project, "extend a detached volume"),
        role_rule("volume:delete", br::member, tk::project, "delete a detached volume"),
        role_rule("volume:attach", br::member, tk::project, "attach a volume to a VM or detach it"),
        role_rule("volume:snapshot", br::member, tk::project, "take and delete a volume's snapshots"),
    };
    return rows;
}

}  // namespace kumo
