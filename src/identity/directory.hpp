#pragma once
// Identity administration: domains (departments), projects, users, groups, roles, role assignments,
// application credentials and quotas. Core thread. The router has already checked that the caller's
// token grants the route's permission; every method here adds the object-level check (which domain,
// which project, whose credential). Objects the caller may not see answer not_found, never forbidden.
// Changes that take roles or access away cut the affected tokens in the same transaction.
#include "authentication.hpp"
#include "identity_repo.hpp"
#include "kumo/identity/audit.hpp"
#include "kumo/identity/project_resources.hpp"
#include "kumo/identity/quota.hpp"
#include "kumo/store/list_query.hpp"

namespace kumo {

// The fields of a create or update; unset = unchanged (update) or default (create).
struct identity_fields {
    std::optional<std::string> name, description, email, password, domain_id;
    std::optional<bool> enabled;
    std::optional<std::vector<std::string>> permissions;
};

struct group_with_members {
    group g;
    std::vector<user> members;
};

struct quota_report {
    std::string project_id;
    quota_map limits, usage;
};

struct new_app_credential {
    app_credential c;
    std::string secret;  // shown once
};

class directory {
public:
    directory(store& db, identity& ids, const config& cfg, const project_resources& resources, std::string audit_key)
        : store_(db), ids_(ids), cfg_(cfg), resources_(resources), audit_key_(std::move(audit_key)) {}

    awaitable<result<std::vector<domain>>> list_domains(principal who, repo::list_query q);
    awaitable<result<domain>> get_domain(principal who, std::string id);
    awaitable<result<domain>> create_domain(principal who, identity_fields f);
    awaitable<result<domain>> update_domain(principal who, std::string id, identity_fields f);
    awaitable<result<void>> delete_domain(principal who, std::string id);

    awaitable<result<std::vector<project>>> list_projects(principal who, repo::list_query q);
    awaitable<result<project>> get_project(principal who, std::string id);
    awaitable<result<project>> create_project(principal who, identity_fields f);
    awaitable<result<project>> update_project(principal who, std::string id, identity_fields f);
    awaitable<result<void>> delete_project(principal who, std::string id);
    awaitable<result<quota_report>> get_quota(principal who, std::string project_id);
    awaitable<result<quota_report>> set_quota(principal who, std::string project_id, quota_map limits);

    awaitable<result<std::vector<user>>> list_users(principal who, repo::list_query q);
    awaitable<result<user>> get_user(principal who, std::string id);
    awaitable<result<user>> create_user(principal who, identity_fields f);
    awaitable<result<user>> update_user(principal who, std::string id, identity_fields f);
    awaitable<result<void>> delete_user(principal who, std::string id);
    // The caller's own password; needs the current one. All of the user's tokens die.
    awaitable<result<void>> change_own_password(principal who, std::string id, std::string original,
                                                std::string password);

    awaitable<result<std::vector<group>>> list_groups(principal who, repo::list_query q);
    awaitable<result<group_with_members>> get_group(principal who, std::string id);
    awaitable<result<group>> create_group(principal who, identity_fields f);
    awaitable<result<group>> update_group(principal who, std::string id, identity_fields f);
    awaitable<result<void>> delete_group(principal who, std::string id);
    awaitable<result<void>> add_group_member(principal who, std::string group_id, std::string user_id);
    awaitable<result<void>> remove_group_member(principal who, std::string group_id, std::string user_id);

    awaitable<result<std::vector<role>>> list_roles(principal who);
    awaitable<result<role>> get_role(principal who, std::string id);
    awaitable<result<role>> create_role(principal who, identity_fields f);
    awaitable<result<role>> update_role(principal who, std::string id, identity_fields f);
    awaitable<result<void>> delete_role(principal who, std::string id);

    awaitable<result<std::vector<role_assignment>>> list_assignments(principal who, repo::assignment_query q);
    // a.role_id may be a role name.
    awaitable<result<role_assignment>> create_assignment(principal who, role_assignment a);
    awaitable<result<void>> delete_assignment(principal who, std::string id);

    awaitable<result<std::vector<app_credential>>> list_app_credentials(principal who);
    awaitable<result<app_credential>> get_app_credential(principal who, std::string id);
    awaitable<result<new_app_credential>> create_app_credential(principal who, app_credential c);
    awaitable<result<void>> delete_app_credential(principal who, std::string id);

    awaitable<result<std::vector<audit_entry>>> list_audit(principal who, repo::audit_query q);
    awaitable<result<audit_verdict>> verify_audit();
    // Appends one entry (hash-chained). Failures are logged, never shown to the client.
    awaitable<void> record(audit_entry e);

private:
    // Runs job(db, cuts) in one write transaction; the token cutoffs it collected take effect after commit.
    template <class T, class F>
    awaitable<result<T>> write_cutting(F job);
    awaitable<void> reload_roles();

    store& store_;
    identity& ids_;
    const config& cfg_;
    const project_resources& resources_;
    std::string audit_key_;
};

}  // namespace kumo
