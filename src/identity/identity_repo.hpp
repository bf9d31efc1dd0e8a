#pragma once
// Repositories of the identity module: domains, projects, users, groups, roles, role assignments,
// application credentials, token cutoffs, quotas and the audit log. Runs on the store thread (see
// kumo/store/database.hpp).
#include "kumo/identity/audit.hpp"
#include "kumo/identity/model.hpp"
#include "kumo/store/database.hpp"
#include "kumo/store/list_query.hpp"

#include <map>
#include <optional>
#include <vector>

namespace kumo::repo {

// domains
void insert_domain(sql::database& db, const domain& d);
void update_domain(sql::database& db, const domain& d);
std::optional<domain> find_domain(sql::database& db, std::string_view id_or_name);
std::vector<domain> list_domains(sql::database& db, const list_query& q);
// With the role assignments made on it.
bool delete_domain(sql::database& db, std::string_view id);
// Whether projects, users or groups still live in the domain.
bool domain_in_use(sql::database& db, std::string_view id);

// projects (q.domain_id and q.id filter)
void insert_project(sql::database& db, const project& p);
void update_project(sql::database& db, const project& p);
std::optional<project> find_project(sql::database& db, std::string_view id_or_name);
std::vector<project> list_projects(sql::database& db, const list_query& q);
bool delete_project(sql::database& db, std::string_view id);

// users
void insert_user(sql::database& db, const user& u);
void update_user(sql::database& db, const user& u);
std::optional<user> find_user(sql::database& db, std::string_view id);
std::optional<user> find_user_by_name(sql::database& db, std::string_view name);
std::vector<user> list_users(sql::database& db, const list_query& q);
bool delete_user(sql::database& db, std::string_view id);

// groups
void insert_group(sql::database& db, const group& g);
void update_group(sql::database& db, const group& g);
std::optional<group> find_group(sql::database& db, std::string_view id);
std::vector<group> list_groups(sql::database& db, const list_query& q);
bool delete_group(sql::database& db, std::string_view id);
void add_group_member(sql::database& db, std::string_view group_id, std::string_view user_id);
bool remove_group_member(sql::database& db, std::string_view group_id, std::string_view user_id);
std::vector<user> group_members(sql::database& db, std::string_view group_id);

// roles
void insert_role(sql::database& db, const role& r);
void update_role(sql::database& db, const role& r);
std::optional<role> find_role(sql::database& db, std::string_view id_or_name);
std::vector<role> all_roles(sql::database& db);
bool delete_role(sql::database& db, std::string_view id);

// role assignments
void insert_assignment(sql::database& db, const role_assignment& a);
std::optional<role_assignment> find_assignment(sql::database& db, std::string_view id);
// Filters (empty = any): actor_id, scope_type, scope_id, role id.
struct assignment_query {
    std::string actor_id, scope_type, scope_id, role_id;
};
std::vector<role_assignment> list_assignments(sql::database& db, const assignment_query& q);
bool delete_assignment(sql::database& db, std::string_view id);
// Role names a user holds (directly or through groups) for a scope: cloud-wide roles, plus the
// domain's when domain_id is set, plus the project's when project_id is set.
std::vector<std::string> effective_roles(sql::database& db, std::string_view user_id, std::string_view domain_id,
                                         std::string_view project_id);
// Enabled users of enabled domains holding the admin role cloud-wide (directly or through a group).
std::size_t count_cloud_admins(sql::database& db);
// Users whose roles an assignment gives: its user, or every member of its group.
std::vector<std::string> users_of_assignment(sql::database& db, const role_assignment& a);
// Where a user logs in when the request names no scope: the first project they hold a role on, else
// the first domain, else the cloud. Returns {scope_type, scope_id}.
std::pair<std::string, std::string> default_scope_of(sql::database& db, std::string_view user_id);

// application credentials
void insert_app_credential(sql::database& db, const app_credential& c);
std::optional<app_credential> find_app_credential(sql::database& db, std::string_view id);
std::vector<app_credential> list_app_credentials(sql::database& db, std::string_view user_id);
bool delete_app_credential(sql::database& db, std::string_view id);

// token revocation: revoked token ids, and per-subject cutoffs ("user:<id>", "project:<id>", ...):
// tokens issued before a subject's cutoff are dead.
void insert_revoked_token(sql::database& db, std::string_view token_id, std::int64_t expires_at);
std::vector<std::string> live_revoked_tokens(sql::database& db, std::int64_t now);
void set_token_cutoff(sql::database& db, std::string_view subject, std::int64_t not_before_ms);
std::map<std::string, std::int64_t> token_cutoffs(sql::database& db);

// quotas: per-project overrides of the configured defaults (usage: see kumo/identity/project_resources.hpp).
std::map<std::string, std::int64_t> quota_overrides(sql::database& db, std::string_view project_id);
void set_quota(sql::database& db, std::string_view project_id, std::string_view resource, std::int64_t limit);

// audit log: appended with the hash chain computed here, inside the caller's transaction.
void append_audit(sql::database& db, audit_entry e, const std::string& key);
struct audit_query {
    int limit = 100;
    std::int64_t marker = 0;  // seq of the last entry of the previous page (newest first: older than this)
    std::string user_id, project_id, domain_id, action, outcome, since, until;
};
std::vector<audit_entry> list_audit(sql::database& db, const audit_query& q);
audit_verdict verify_audit(sql::database& db, const std::string& key);

}  // namespace kumo::repo
