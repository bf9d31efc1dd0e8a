#include "kumo/identity/policy.hpp"

#include <array>
#include <utility>

namespace kumo {
namespace {

using br = builtin_role;
using tk = target_kind;

constexpr std::array<std::pair<builtin_role, const char*>, 5> role_names{{
    {br::reader, "reader"},
    {br::member, "member"},
    {br::project_admin, "project_admin"},
    {br::domain_admin, "domain_admin"},
    {br::admin, "admin"},
}};

permission_rule open(std::string_view name, std::string_view summary) {
    return {name, audience::anyone, br::reader, tk::none, summary};
}
permission_rule token(std::string_view name, std::string_view summary) {
    return {name, audience::any_token, br::reader, tk::self, summary};
}
permission_rule role(std::string_view name, br min, tk target, std::string_view summary) {
    return {name, audience::role_holders, min, target, summary};
}

}  // namespace

std::optional<builtin_role> parse_builtin_role(std::string_view name) {
    for (const auto& [r, n] : role_names)
        if (name == n)
            return r;
    return std::nullopt;
}

const char* to_string(builtin_role r) {
    for (const auto& [x, n] : role_names)
        if (x == r)
            return n;
    return "unknown";
}

const std::vector<builtin_role>& builtin_roles() {
    static const std::vector<builtin_role> all = {br::reader, br::member, br::project_admin, br::domain_admin,
                                                  br::admin};
    return all;
}

const std::vector<permission_rule>& policy_table() {
    static const std::vector<permission_rule> table = {
        open("system:read", "health, version and the OpenAPI document"),
        open("auth:login", "exchange a password or an application credential for a token"),
        token("auth:self", "who am I, revoke my token, change my password"),
        role("auth:rotate_keys", br::admin, tk::cloud, "rotate the token signing key"),

        role("domain:read", br::domain_admin, tk::domain, "see a domain (department)"),
        role("domain:create", br::admin, tk::cloud, "create a domain"),
        role("domain:update", br::admin, tk::cloud, "rename, describe, enable or disable a domain"),
        role("domain:delete", br::admin, tk::cloud, "delete an empty domain"),
        role("project:read", br::reader, tk::project, "see a project"),
        role("project:create", br::domain_admin, tk::domain, "create a project in a domain"),
        role("project:update", br::domain_admin, tk::domain, "rename, describe, enable or disable a project"),
        role("project:delete", br::domain_admin, tk::domain, "delete a project that owns nothing"),
        role("quota:read", br::reader, tk::project, "see a project's quota and usage"),
        role("quota:update", br::admin, tk::cloud, "change a project's quota"),
        role("user:read", br::project_admin, tk::domain, "see the users of a domain"),
        role("user:create", br::domain_admin, tk::domain, "create a user in a domain"),
        role("user:update", br::domain_admin, tk::domain, "change, disable or reset the password of a user"),
        role("user:delete", br::domain_admin, tk::domain, "delete a user"),
        role("group:read", br::project_admin, tk::domain, "see groups and their members"),
        role("group:create", br::domain_admin, tk::domain, "create a group"),
        role("group:update", br::domain_admin, tk::domain, "change a group and its members"),
        role("group:delete", br::domain_admin, tk::domain, "delete a group"),
        role("role:read", br::reader, tk::none, "see role definitions"),
        role("role:create", br::admin, tk::cloud, "define a custom role"),
        role("role:update", br::admin, tk::cloud, "change a custom role"),
        role("role:delete", br::admin, tk::cloud, "delete a custom role"),
        role("role_assignment:read", br::project_admin, tk::project, "see who holds which role where"),
        role("role_assignment:create", br::project_admin, tk::project, "grant a role (no more than one holds)"),
        role("role_assignment:delete", br::project_admin, tk::project, "revoke a role"),
        role("app_credential:read", br::reader, tk::self, "see my application credentials"),
        role("app_credential:create", br::reader, tk::self, "create an application credential"),
        role("app_credential:delete", br::reader, tk::self, "delete an application credential"),
        role("audit:read", br::project_admin, tk::project, "read the audit log of what one administers"),
        role("audit:verify", br::admin, tk::cloud, "check the audit log's hash chain"),

        role("host:read", br::admin, tk::cloud, "see hosts"),
        role("host:create", br::admin, tk::cloud, "enroll a host"),
        role("host:update", br::admin, tk::cloud,
             "enable or disable a host, set its ratios and reservations, trust its new SSH host key"),
        role("host:delete", br::admin, tk::cloud, "remove a host"),
        role("host:maintenance", br::admin, tk::cloud, "put a host in maintenance (empty it) and take it out"),
        role("aggregate:read", br::admin, tk::cloud, "see host aggregates"),
        role("aggregate:create", br::admin, tk::cloud, "create a host aggregate or availability zone"),
        role("aggregate:update", br::admin, tk::cloud, "change an aggregate's metadata, zone and hosts"),
        role("aggregate:delete", br::admin, tk::cloud, "delete a host aggregate"),
        role("availability_zone:read", br::reader, tk::none, "list availability zones"),
        role("flavor:read", br::reader, tk::none, "see flavors"),
        role("flavor:create", br::admin, tk::cloud, "create a flavor"),
        role("flavor:delete", br::admin, tk::cloud, "delete an unused flavor"),
        role("vm:read", br::reader, tk::project, "see VMs"),
        role("vm:create", br::member, tk::project, "create a VM"),
        role("vm:action", br::member, tk::project, "start, stop, reboot, suspend, resume a VM"),
        role("vm:migrate", br::admin, tk::project, "move a VM to another host (live or cold)"),
        role("vm:delete", br::member, tk::project, "delete a VM"),
        role("image:read", br::reader, tk::project, "see and download images (own, shared with the project, public)"),
        role("image:create", br::member, tk::project, "create an image record"),
        role("image:upload", br::member, tk::project, "upload an image's data"),
        role("image:update", br::member, tk::project, "change an image's name, visibility, protection, properties"),
        role("image:delete", br::member, tk::project, "delete an unprotected image no VM uses"),
        role("image:share", br::member, tk::project, "share an image with other projects"),
        token("keypair:read", "see my SSH key pairs"),
        token("keypair:create", "register an SSH public key"),
        token("keypair:delete", "delete one of my SSH key pairs"),
        role("volume:read", br::reader, tk::project, "see volumes"),
        role("volume:create", br::member, tk::project, "create a volume"),
        role("volume:update", br::member, tk::project, "extend a detached volume"),
        role("volume:delete", br::member, tk::project, "delete a detached volume"),
        role("volume:attach", br::member, tk::project, "attach a volume to a VM or detach it"),
        role("volume:snapshot", br::member, tk::project, "take and delete a volume's snapshots"),
        role("vm:snapshot", br::member, tk::project,
             "take, revert and delete a VM's snapshots; make an image of a stopped VM's root disk"),
        role("vm:console", br::member, tk::project, "read a VM's serial console log"),
        role("server_group:read", br::reader, tk::project, "see server groups"),
        role("server_group:create", br::member, tk::project, "create a server group"),
        role("server_group:delete", br::member, tk::project, "delete an empty server group"),
        role("scheduler:explain", br::member, tk::project, "ask where a VM would be placed, and why not"),
        role("operation:read", br::reader, tk::project, "see operations"),
        role("operation:cancel", br::member, tk::project, "cancel an operation"),
        role("event:read", br::reader, tk::project, "stream events"),
    };
    return table;
}

const permission_rule* find_permission(std::string_view name) {
    for (const auto& p : policy_table())
        if (p.name == name)
            return &p;
    return nullptr;
}

std::set<std::string> builtin_permissions(builtin_role r) {
    std::set<std::string> out;
    for (const auto& p : policy_table())
        if (p.who == audience::role_holders && p.min_role <= r)
            out.emplace(p.name);
    return out;
}

bool grants::allows(std::string_view permission) const {
    const permission_rule* p = find_permission(permission);
    if (!p)
        return false;
    if (p->who != audience::role_holders)
        return true;
    return (rank && *rank >= p->min_role) || custom.count(std::string(permission)) > 0;
}

bool grants::covers(const grants& other) const {
    if (other.rank && !at_least(*other.rank))
        return false;
    for (const auto& p : other.custom)
        if (!allows(p))
            return false;
    return true;
}

bool assignable_at(builtin_role r, std::string_view scope_type) {
    if (r == br::admin)
        return scope_type == "cloud";
    if (r == br::domain_admin)
        return scope_type == "domain" || scope_type == "cloud";
    return scope_type == "project" || scope_type == "domain" || scope_type == "cloud";
}

}  // namespace kumo
