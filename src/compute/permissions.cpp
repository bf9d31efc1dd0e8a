#include "kumo/compute/permissions.hpp"

namespace kumo {

std::span<const permission_rule> compute_permissions() {
    using br = builtin_role;
    using tk = target_kind;
    static const std::vector<permission_rule> rows = {
        role_rule("flavor:read", br::reader, tk::none, "see flavors"),
        role_rule("flavor:create", br::admin, tk::cloud, "create a flavor"),
        role_rule("flavor:delete", br::admin, tk::cloud, "delete an unused flavor"),
        role_rule("vm:read", br::reader, tk::project, "see VMs"),
        role_rule("vm:create", br::member, tk::project, "create a VM"),
        role_rule("vm:action", br::member, tk::project, "start, stop, reboot, suspend, resume a VM"),
        role_rule("vm:migrate", br::admin, tk::project, "move a VM to another host (live or cold)"),
        role_rule("vm:delete", br::member, tk::project, "delete a VM"),
        token_rule("keypair:read", "see my SSH key pairs"),
        token_rule("keypair:create", "register an SSH public key"),
        token_rule("keypair:delete", "delete one of my SSH key pairs"),
        role_rule("vm:snapshot", br::member, tk::project,
                  "take, revert and delete a VM's snapshots; make an image of a stopped VM's root disk"),
        role_rule("vm:console", br::member, tk::project, "read a VM's serial console log"),
    };
    return rows;
}

}  // namespace kumo
