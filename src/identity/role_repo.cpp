// Roles, role assignments, application credentials and token revocation.
#include "identity_repo.hpp"
#include "kumo/core/json.hpp"

#include <set>

namespace kumo::repo {
namespace {

#define KUMO_ROLE_COLUMNS "SELECT id, name, description, builtin, permissions, created_at, updated_at FROM roles "
role read_role(sql::statement& st) {
    return role{
        st.text(0), st.text(1), st.text(2), st.int64(3) != 0, json::parse(st.text(4)).get<std::vector<std::string>>(),
        st.text(5), st.text(6)};
}

#define KUMO_ASSIGNMENT_COLUMNS                                                                         \
    "SELECT a.id, a.actor_type, a.actor_id, a.scope_type, a.scope_id, a.role_id, r.name, a.created_at " \
    "FROM role_assignments a JOIN roles r ON r.id = a.role_id "
role_assignment read_assignment(sql::statement& st) {
    return role_assignment{st.text(0), st.text(1), st.text(2), st.text(3),
                           st.text(4), st.text(5), st.text(6), st.text(7)};
}

#define KUMO_APP_CREDENTIAL_COLUMNS                                                                       \
    "SELECT id, user_id, project_id, name, description, secret_hash, roles, expires_at, created_at FROM " \
    "app_credentials "
app_credential read_app_credential(sql::statement& st) {
    return app_credential{st.text(0),
                          st.text(1),
                          st.text(2),
                          st.text(3),
                          st.text(4),
                          st.text(5),
                          json::parse(st.text(6)).get<std::vector<std::string>>(),
                          st.int64(7),
                          st.text(8)};
}

// The actor clause: the user directly, or any group the user is in.
#define KUMO_ACTOR_IS_USER(n)                      \
    "((a.actor_type = 'user' AND a.actor_id = ?" n \
    ") OR "                                        \
    "(a.actor_type = 'group' AND a.actor_id IN (SELECT group_id FROM group_members WHERE user_id = ?" n ")))"

}  // namespace

void insert_role(sql::database& db, const role& r) {
    db.prepare(
          "INSERT INTO roles (id, name, description, builtin, permissions, created_at, updated_at) "
          "VALUES (?,?,?,?,?,?,?)")
        ->bind_all(r.id, r.name, r.description, r.builtin, json(r.permissions).dump(), r.created_at, r.updated_at)
        .exec();
}

void update_role(sql::database& db, const role& r) {
    db.prepare("UPDATE roles SET name = ?2, description = ?3, permissions = ?4, updated_at = ?5 WHERE id = ?1")
        ->bind_all(r.id, r.name, r.description, json(r.permissions).dump(), r.updated_at)
        .exec();
}

std::optional<role> find_role(sql::database& db, std::string_view id_or_name) {
    auto st = db.prepare(KUMO_ROLE_COLUMNS "WHERE id = ?1 OR name = ?1");
    st->bind(1, id_or_name);
    if (!st->step())
        return std::nullopt;
    return read_role(*st);
}

std::vector<role> all_roles(sql::database& db) {
    auto st = db.prepare(KUMO_ROLE_COLUMNS "ORDER BY builtin DESC, rowid");
    std::vector<role> out;
    while (st->step())
        out.push_back(read_role(*st));
    return out;
}

bool delete_role(sql::database& db, std::string_view id) {
    db.prepare("DELETE FROM roles WHERE id = ? AND builtin = 0")->bind_all(id).exec();
    return db.changes() > 0;
}

void insert_assignment(sql::database& db, const role_assignment& a) {
    db.prepare(
          "INSERT INTO role_assignments (id, actor_type, actor_id, scope_type, scope_id, role_id, created_at) "
          "VALUES (?,?,?,?,?,?,?)")
        ->bind_all(a.id, a.actor_type, a.actor_id, a.scope_type, a.scope_id, a.role_id, a.created_at)
        .exec();
}

std::optional<role_assignment> find_assignment(sql::database& db, std::string_view id) {
    auto st = db.prepare(KUMO_ASSIGNMENT_COLUMNS "WHERE a.id = ?");
    st->bind(1, id);
    if (!st->step())
        return std::nullopt;
    return read_assignment(*st);
}

std::vector<role_assignment> list_assignments(sql::database& db, const assignment_query& q) {
    auto st = db.prepare(KUMO_ASSIGNMENT_COLUMNS
                         "WHERE (?1 = '' OR a.actor_id = ?1) AND (?2 = '' OR a.scope_type = ?2) "
                         "AND (?3 = '' OR a.scope_id = ?3) AND (?4 = '' OR a.role_id = ?4) ORDER BY a.rowid");
    st->bind_all(q.actor_id, q.scope_type, q.scope_id, q.role_id);
    std::vector<role_assignment> out;
    while (st->step())
        out.push_back(read_assignment(*st));
    return out;
}

bool delete_assignment(sql::database& db, std::string_view id) {
    db.prepare("DELETE FROM role_assignments WHERE id = ?")->bind_all(id).exec();
    return db.changes() > 0;
}

std::vector<std::string> effective_roles(sql::database& db, std::string_view user_id, std::string_view domain_id,
                                         std::string_view project_id) {
    auto st = db.prepare(
        "SELECT DISTINCT r.name FROM role_assignments a JOIN roles r ON r.id = a.role_id WHERE " KUMO_ACTOR_IS_USER(
            "1") " AND (a.scope_type = 'cloud' OR (a.scope_type = 'domain' AND ?2 <> '' AND a.scope_id = ?2) "
                 "OR (a.scope_type = 'project' AND ?3 <> '' AND a.scope_id = ?3)) ORDER BY r.name");
    st->bind_all(user_id, domain_id, project_id);
    std::vector<std::string> out;
    while (st->step())
        out.push_back(st->text(0));
    return out;
}

std::vector<std::string> users_of_assignment(sql::database& db, const role_assignment& a) {
    if (a.actor_type == "user")
        return {a.actor_id};
    std::vector<std::string> out;
    for (auto& u : group_members(db, a.actor_id))
        out.push_back(u.id);
    return out;
}

std::size_t count_cloud_admins(sql::database& db) {
    std::set<std::string> admins;
    for (const auto& a : list_assignments(db, {"", "cloud", "", "admin"}))
        for (auto& id : users_of_assignment(db, a)) {
            auto u = find_user(db, id);
            auto d = u ? find_domain(db, u->domain_id) : std::nullopt;
            if (u && u->enabled && d && d->enabled)
                admins.insert(std::move(id));
        }
    return admins.size();
}

std::pair<std::string, std::string> default_scope_of(sql::database& db, std::string_view user_id) {
    auto st = db.prepare("SELECT a.scope_type, a.scope_id FROM role_assignments a WHERE " KUMO_ACTOR_IS_USER(
        "1") " ORDER BY CASE a.scope_type WHEN 'project' THEN 0 WHEN 'domain' THEN 1 ELSE 2 END, a.rowid LIMIT 1");
    st->bind(1, user_id);
    if (!st->step())
        return {"", ""};
    return {st->text(0), st->text(1)};
}

void insert_app_credential(sql::database& db, const app_credential& c) {
    db.prepare(
          "INSERT INTO app_credentials (id, user_id, project_id, name, description, secret_hash, roles, expires_at, "
          "created_at) VALUES (?,?,?,?,?,?,?,?,?)")
        ->bind_all(c.id, c.user_id, c.project_id, c.name, c.description, c.secret_hash, json(c.roles).dump(),
                   c.expires_at, c.created_at)
        .exec();
}

std::optional<app_credential> find_app_credential(sql::database& db, std::string_view id) {
    auto st = db.prepare(KUMO_APP_CREDENTIAL_COLUMNS "WHERE id = ?");
    st->bind(1, id);
    if (!st->step())
        return std::nullopt;
    return read_app_credential(*st);
}

std::vector<app_credential> list_app_credentials(sql::database& db, std::string_view user_id) {
    auto st = db.prepare(KUMO_APP_CREDENTIAL_COLUMNS "WHERE user_id = ? ORDER BY rowid");
    st->bind(1, user_id);
    std::vector<app_credential> out;
    while (st->step())
        out.push_back(read_app_credential(*st));
    return out;
}

bool delete_app_credential(sql::database& db, std::string_view id) {
    db.prepare("DELETE FROM app_credentials WHERE id = ?")->bind_all(id).exec();
    return db.changes() > 0;
}

void insert_revoked_token(sql::database& db, std::string_view token_id, std::int64_t expires_at) {
    db.prepare("INSERT OR IGNORE INTO revoked_tokens (token_id, expires_at) VALUES (?, ?)")
        ->bind_all(token_id, expires_at)
        .exec();
}

std::vector<std::string> live_revoked_tokens(sql::database& db, std::int64_t now) {
    db.prepare("DELETE FROM revoked_tokens WHERE expires_at < ?")->bind_all(now).exec();
    std::vector<std::string> out;
    auto st = db.prepare("SELECT token_id FROM revoked_tokens");
    while (st->step())
        out.push_back(st->text(0));
    return out;
}

void set_token_cutoff(sql::database& db, std::string_view subject, std::int64_t not_before_ms) {
    db.prepare(
          "INSERT INTO token_cutoffs (subject, not_before_ms) VALUES (?1, ?2) "
          "ON CONFLICT (subject) DO UPDATE SET not_before_ms = max(not_before_ms, ?2)")
        ->bind_all(subject, not_before_ms)
        .exec();
}

std::map<std::string, std::int64_t> token_cutoffs(sql::database& db) {
    auto st = db.prepare("SELECT subject, not_before_ms FROM token_cutoffs");
    std::map<std::string, std::int64_t> out;
    while (st->step())
        out[st->text(0)] = st->int64(1);
    return out;
}

}  // namespace kumo::repo
