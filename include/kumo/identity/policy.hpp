#pragma once
// Role-based access control, pure: the one policy table (permission -> who holds it), the built-in role
// ladder, and what a set of roles grants. Routes name a permission from this table (see
// kumo/http/router.hpp); the router refuses a request whose token does not grant it, and services then
// apply the object-level check (whose project, whose domain) that the permission's `target` names.
#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace kumo {

// Built-in roles, each implying every role below it.
enum class builtin_role { reader = 0, member = 1, project_admin = 2, domain_admin = 3, admin = 4 };

std::optional<builtin_role> parse_builtin_role(std::string_view name);
const char* to_string(builtin_role r);
const std::vector<builtin_role>& builtin_roles();  // lowest first

// Who may call a route at all.
enum class audience {
    anyone,        // no token needed (login, health)
    any_token,     // every valid token (who am I, revoke my token)
    role_holders,  // tokens whose roles grant the permission
};

// What the object-level check compares against, once the permission is granted.
enum class target_kind {
    none,     // nothing to compare (public, or a cloud-wide object such as a flavor)
    self,     // the caller's own user or credential
    project,  // a project-owned resource: other projects answer 404
    domain,   // an identity object inside a domain: other domains answer 404
    cloud,    // cloud-wide administration
};

struct permission_rule {
    std::string_view name;  // "vm:create"
    audience who;
    builtin_role min_role;  // for role_holders: the lowest built-in role that has it
    target_kind target;
    std::string_view summary;
};

// Rows of the policy table: for anyone, for any valid token, for holders of a role.
permission_rule public_rule(std::string_view name, std::string_view summary);
permission_rule token_rule(std::string_view name, std::string_view summary);
permission_rule role_rule(std::string_view name, builtin_role min, target_kind target, std::string_view summary);

// The policy table: the rows each module and foundation adds at start-up (<module>_permissions(), e.g.
// kumo/identity/permissions.hpp), before any route is added, so adding a route means adding (or reusing)
// a row of its module. Throws std::logic_error for a name added again
// with a different rule. Start-up only (the table is read without locks afterwards).
void add_permissions(std::span<const permission_rule> rows);
const std::vector<permission_rule>& policy_table();
const permission_rule* find_permission(std::string_view name);

// The built-in permissions of a role: every role_holders rule with min_role <= r.
std::set<std::string> builtin_permissions(builtin_role r);

// What a principal's roles grant: the highest built-in role held plus the permissions of custom roles.
struct grants {
    std::optional<builtin_role> rank;
    std::set<std::string> custom;  // from custom roles

    bool allows(std::string_view permission) const;
    bool at_least(builtin_role r) const { return rank && *rank >= r; }
    // Whether every permission of `other` is also granted here (no one hands out more than they hold).
    bool covers(const grants& other) const;
};

// Where a built-in role may be assigned: admin only cloud-wide, domain_admin on a domain or the cloud.
bool assignable_at(builtin_role r, std::string_view scope_type);

}  // namespace kumo
