#include "kumo/identity/permissions.hpp"

namespace kumo {

std::span<const permission_rule> identity_permissions() {
    using br = builtin_role;
    using tk = target_kind;
    static const std::vector<permission_rule> rows = {
        public_rule("auth:login", "exchange a password or an application credential for a token"),
        token_rule("auth:self", "who am I, revoke my token, change my password"),
        role_rule("auth:rotate_keys", br::admin, tk::cloud, "rotate the token signing key"),
        role_rule("domain:read", br::domain_admin, tk::domain, "see a domain (department)"),
        role_rule("domain:create", br::admin, tk::cloud, "create a domain"),
        role_rule("domain:update", br::admin, tk::cloud, "rename, describe, enable or disable a domain"),
        role_rule("domain:delete", br::admin, tk::cloud, "delete an empty domain"),
        role_rule("project:read", br::reader, tk::project, "see a project"),
        role_rule("project:create", br::domain_admin, tk::domain, "create a project in a domain"),
        role_rule("project:update", br::domain_admin, tk::domain, "rename, describe, enable or disable a project"),
        role_rule("project:delete", br::domain_admin, tk::domain, "delete a project that owns nothing"),
        role_rule("quota:read", br::reader, tk::project, "see a project's quota and usage"),
        role_rule("quota:update", br::admin, tk::cloud, "change a project's quota"),
        role_rule("user:read", br::project_admin, tk::domain, "see the users of a domain"),
        role_rule("user:create", br::domain_admin, tk::domain, "create a user in a domain"),
        role_rule("user:update", br::domain_admin, tk::domain, "change, disable or reset the password of a user"),
        role_rule("user:delete", br::domain_admin, tk::domain, "delete a user"),
        role_rule("group:read", br::project_admin, tk::domain, "see groups and their members"),
        role_rule("group:create", br::domain_admin, tk::domain, "create a group"),
        role_rule("group:update", br::domain_admin, tk::domain, "change a group and its members"),
        role_rule("group:delete", br::domain_admin, tk::domain, "delete a group"),
        role_rule("role:read", br::reader, tk::none, "see role definitions"),
        role_rule("role:create", br::admin, tk::cloud, "define a custom role"),
        role_rule("role:update", br::admin, tk::cloud, "change a custom role"),
        role_rule("role:delete", br::admin, tk::cloud, "delete a custom role"),
        role_rule("role_assignment:read", br::project_admin, tk::project, "see who holds which role where"),
        role_rule("role_assignment:create", br::project_admin, tk::project, "grant a role (no more than one holds)"),
        role_rule("role_assignment:delete", br::project_admin, tk::project, "revoke a role"),
        role_rule("app_credential:read", br::reader, tk::self, "see my application credentials"),
        role_rule("app_credential:create", br::reader, tk::self, "create an application credential"),
        role_rule("app_credential:delete", br::reader, tk::self, "delete an application credential"),
        role_rule("audit:read", br::project_admin, tk::project, "read the audit log of what one administers"),
        role_rule("audit:verify", br::admin, tk::cloud, "check the audit log's hash chain"),
    };
    return rows;
}

}  // namespace kumo
