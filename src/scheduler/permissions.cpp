#include "kumo/scheduler/permissions.hpp"

namespace kumo {

std::span<const permission_rule> scheduler_permissions() {
    using br = builtin_role;
    using tk = target_kind;
    static const std::vector<permission_rule> rows = {
        role_rule("aggregate:read", br::admin, tk::cloud, "see host aggregates"),
        role_rule("aggregate:create", br::admin, tk::cloud, "create a host aggregate or availability zone"),
        role_rule("aggregate:update", br::admin, tk::cloud, "change an aggregate's metadata, zone and hosts"),
        role_rule("aggregate:delete", br::admin, tk::cloud, "delete a host aggregate"),
        role_rule("availability_zone:read", br::reader, tk::none, "list availability zones"),
        role_rule("server_group:read", br::reader, tk::project, "see server groups"),
        role_rule("server_group:create", br::member, tk::project, "create a server group"),
        role_rule("server_group:delete", br::member, tk::project, "delete an empty server group"),
        role_rule("scheduler:explain", br::member, tk::project, "ask where a VM would be placed, and why not"),
    };
    return rows;
}

}  // namespace kumo
