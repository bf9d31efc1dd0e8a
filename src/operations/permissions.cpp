#include "kumo/operations/permissions.hpp"

namespace kumo {

std::span<const permission_rule> operations_permissions() {
    using br = builtin_role;
    using tk = target_kind;
    static const std::vector<permission_rule> rows = {
        role_rule("operation:read", br::reader, tk::project, "see operations"),
        role_rule("operation:cancel", br::member, tk::project, "cancel an operation"),
        role_rule("event:read", br::reader, tk::project, "stream events"),
    };
    return rows;
}

}  // namespace kumo
