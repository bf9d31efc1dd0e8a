#include "kumo/http/permissions.hpp"

namespace kumo {

std::span<const permission_rule> http_permissions() {
    using br = builtin_role;
    using tk = target_kind;
    static const std::vector<permission_rule> rows = {
        role_rule("event:read", br::reader, tk::project, "stream events"),
    };
    return rows;
}

}  // namespace kumo
