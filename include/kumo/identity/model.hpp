#pragma once
// Identity records: domains (departments), projects, users, groups, roles, role assignments,
// application credentials, and the principal a valid token stands for.
#include "kumo/identity/policy.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace kumo {

// The domain every installation starts with; users and projects land here unless told otherwise.
inline constexpr const char* kDefaultDomainId = "default";

struct domain {
    std::string id;
    std::string name;
    std::string description;
    bool enabled = true;
    std::string created_at, updated_at;
};

struct project {
    std::string id;
    std::string name;
    std::string domain_id = kDefaultDomainId;
    std::string description;
    bool enabled = true;
    std::string created_at, updated_at;
};

struct user {
    std::string id;
    std::string name;
    std::string domain_id = kDefaultDomainId;
    std::string email;
    std::string password_hash;  // never serialized
    bool enabled = true;
    std::string created_at, updated_at;
};

struct group {
    std::string id;
    std::string name;
    std::string domain_id = kDefaultDomainId;
    std::string description;
    std::string created_at, updated_at;
};

// A built-in role (fixed permissions) or a custom one (a named set of permissions from the policy table).
struct role {
    std::string id;
    std::string name;
    std::string description;
    bool builtin = false;
    std::vector<std::string> permissions;  // custom roles only
    std::string created_at, updated_at;
};

struct role_assignment {
    std::string id;
    std::string actor_type;  // user | group
    std::string actor_id;
    std::string scope_type;  // project | domain | cloud
    std::string scope_id;    // empty for cloud
    std::string role_id;
    std::string role_name;  // filled by lookups
    std::string created_at;
};

struct app_credential {
    std::string id;
    std::string user_id;
    std::string project_id;
    std::string name;
    std::string description;
    std::string secret_hash;  // SHA-256 of the random secret; never serialized
    std::vector<std::string> roles;
    std::int64_t expires_at = 0;  // unix seconds; 0 = never
    std::string created_at;
};

// Who is calling, as established from a valid token.
struct principal {
    std::string token_id;
    std::string user_id;
    std::string user_name;
    std::string user_domain_id;
    std::string scope;  // project | domain | cloud
    std::string project_id, project_name;
    std::string domain_id, domain_name;  // the scoped domain, or the scoped project's domain
    std::vector<std::string> roles;      // role names effective in this scope
    std::string app_credential_id;       // set when the token came from an application credential
    grants granted;                      // resolved from `roles` when the token is validated

    bool allows(std::string_view permission) const { return granted.allows(permission); }
    bool is_admin() const { return granted.at_least(builtin_role::admin); }
    // Project-owned resources: cloud admins see all, everyone else the token's project only (an empty
    // owner, e.g. a host event, is admin-only). Invisible resources answer 404, never 403.
    bool can_see(const std::string& owner_project) const {
        return is_admin() || (!owner_project.empty() && scope == "project" && owner_project == project_id);
    }
    // Identity objects inside a domain (users, groups, projects): cloud admins, and domain admins of it.
    bool manages_domain(const std::string& d) const {
        return is_admin() || (granted.at_least(builtin_role::domain_admin) && !d.empty() && d == domain_id);
    }
    // A project's role assignments and audit trail: its domain's admins, and its own project admins.
    bool manages_project(const std::string& p, const std::string& p_domain) const {
        return manages_domain(p_domain) ||
               (granted.at_least(builtin_role::project_admin) && scope == "project" && p == project_id);
    }
};

}  // namespace kumo
