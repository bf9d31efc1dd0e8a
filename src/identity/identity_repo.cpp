// Domains, projects, users and groups.
#include "identity_repo.hpp"

namespace kumo::repo {
namespace {

// Keyset pagination in insertion order, shared by every identity list.
#define KUMO_PAGE(table) \
    " AND (?9 = '' OR rowid > (SELECT rowid FROM " table " WHERE id = ?9)) ORDER BY rowid LIMIT ?10"

void bind_page(sql::statement& st, const list_query& q) {
    st.bind(9, q.marker);
    st.bind(10, q.limit);
}

#define KUMO_DOMAIN_COLUMNS "SELECT id, name, description, enabled, created_at, updated_at FROM domains "
domain read_domain(sql::statement& st) {
    return domain{st.text(0), st.text(1), st.text(2), st.int64(3) != 0, st.text(4), st.text(5)};
}

#define KUMO_PROJECT_COLUMNS "SELECT id, name, domain_id, description, enabled, created_at, updated_at FROM projects "
project read_project(sql::statement& st) {
    return project{st.text(0), st.text(1), st.text(2), st.text(3), st.int64(4) != 0, st.text(5), st.text(6)};
}

#define KUMO_USER_COLUMNS \
    "SELECT id, name, domain_id, email, password_hash, enabled, created_at, updated_at FROM users "
user read_user(sql::statement& st) {
    return user{st.text(0), st.text(1), st.text(2), st.text(3), st.text(4), st.int64(5) != 0, st.text(6), st.text(7)};
}

#define KUMO_GROUP_COLUMNS "SELECT id, name, domain_id, description, created_at, updated_at FROM groups "
group read_group(sql::statement& st) {
    return group{st.text(0), st.text(1), st.text(2), st.text(3), st.text(4), st.text(5)};
}

template <class T>
std::vector<T> collect(sql::statement& st, T (*read)(sql::statement&)) {
    std::vector<T> out;
    while (st.step())
        out.push_back(read(st));
    return out;
}

template <class T>
std::optional<T> first(sql::statement& st, T (*read)(sql::statement&)) {
    if (!st.step())
        return std::nullopt;
    return read(st);
}

bool exists(sql::database& db, const char* sql, std::string_view id) {
    auto st = db.prepare(sql);
    st->bind(1, id);
    return st->step();
}

}  // namespace

void insert_domain(sql::database& db, const domain& d) {
    db.prepare("INSERT INTO domains (id, name, description, enabled, created_at, updated_at) VALUES (?,?,?,?,?,?)")
        ->bind_all(d.id, d.name, d.description, d.enabled, d.created_at, d.updated_at)
        .exec();
}

void update_domain(sql::database& db, const domain& d) {
    db.prepare("UPDATE domains SET name = ?2, description = ?3, enabled = ?4, updated_at = ?5 WHERE id = ?1")
        ->bind_all(d.id, d.name, d.description, d.enabled, d.updated_at)
        .exec();
}

std::optional<domain> find_domain(sql::database& db, std::string_view id_or_name) {
    auto st = db.prepare(KUMO_DOMAIN_COLUMNS "WHERE id = ?1 OR name = ?1");
    st->bind(1, id_or_name);
    return first(*st, read_domain);
}

std::vector<domain> list_domains(sql::database& db, const list_query& q) {
    auto st =
        db.prepare(KUMO_DOMAIN_COLUMNS "WHERE (?1 = '' OR name = ?1) AND (?2 = '' OR id = ?2)" KUMO_PAGE("domains"));
    st->bind_all(q.name, q.id);
    bind_page(*st, q);
    return collect(*st, read_domain);
}

bool delete_domain(sql::database& db, std::string_view id) {
    db.prepare("DELETE FROM role_assignments WHERE scope_type = 'domain' AND scope_id = ?")->bind_all(id).exec();
    db.prepare("DELETE FROM domains WHERE id = ?")->bind_all(id).exec();
    return db.changes() > 0;
}

bool domain_in_use(sql::database& db, std::string_view id) {
    return exists(db,
                  "SELECT 1 FROM projects WHERE domain_id = ?1 UNION ALL SELECT 1 FROM users WHERE domain_id = ?1 "
                  "UNION ALL SELECT 1 FROM groups WHERE domain_id = ?1 LIMIT 1",
                  id);
}

void insert_project(sql::database& db, const project& p) {
    db.prepare(
          "INSERT INTO projects (id, name, domain_id, description, enabled, created_at, updated_at) "
          "VALUES (?,?,?,?,?,?,?)")
        ->bind_all(p.id, p.name, p.domain_id, p.description, p.enabled, p.created_at, p.updated_at)
        .exec();
}

void update_project(sql::database& db, const project& p) {
    db.prepare("UPDATE projects SET name = ?2, description = ?3, enabled = ?4, updated_at = ?5 WHERE id = ?1")
        ->bind_all(p.id, p.name, p.description, p.enabled, p.updated_at)
        .exec();
}

std::optional<project> find_project(sql::database& db, std::string_view id_or_name) {
    auto st = db.prepare(KUMO_PROJECT_COLUMNS "WHERE id = ?1 OR name = ?1");
    st->bind(1, id_or_name);
    return first(*st, read_project);
}

std::vector<project> list_projects(sql::database& db, const list_query& q) {
    auto st = db.prepare(
        KUMO_PROJECT_COLUMNS
        "WHERE (?1 = '' OR name = ?1) AND (?2 = '' OR id = ?2) AND (?3 = '' OR domain_id = ?3)" KUMO_PAGE("projects"));
    st->bind_all(q.name, q.id, q.domain_id);
    bind_page(*st, q);
    return collect(*st, read_project);
}

bool delete_project(sql::database& db, std::string_view id) {
    db.prepare("DELETE FROM role_assignments WHERE scope_type = 'project' AND scope_id = ?")->bind_all(id).exec();
    db.prepare("DELETE FROM projects WHERE id = ?")->bind_all(id).exec();
    return db.changes() > 0;
}

void insert_user(sql::database& db, const user& u) {
    db.prepare(
          "INSERT INTO users (id, name, domain_id, email, password_hash, enabled, created_at, updated_at) "
          "VALUES (?,?,?,?,?,?,?,?)")
        ->bind_all(u.id, u.name, u.domain_id, u.email, u.password_hash, u.enabled, u.created_at, u.updated_at)
        .exec();
}

void update_user(sql::database& db, const user& u) {
    db.prepare(
          "UPDATE users SET name = ?2, email = ?3, password_hash = ?4, enabled = ?5, updated_at = ?6 WHERE id = ?1")
        ->bind_all(u.id, u.name, u.email, u.password_hash, u.enabled, u.updated_at)
        .exec();
}

std::optional<user> find_user(sql::database& db, std::string_view id) {
    auto st = db.prepare(KUMO_USER_COLUMNS "WHERE id = ?");
    st->bind(1, id);
    return first(*st, read_user);
}

std::optional<user> find_user_by_name(sql::database& db, std::string_view name) {
    auto st = db.prepare(KUMO_USER_COLUMNS "WHERE name = ?");
    st->bind(1, name);
    return first(*st, read_user);
}

std::vector<user> list_users(sql::database& db, const list_query& q) {
    auto st = db.prepare(
        KUMO_USER_COLUMNS
        "WHERE (?1 = '' OR name = ?1) AND (?2 = '' OR id = ?2) AND (?3 = '' OR domain_id = ?3)" KUMO_PAGE("users"));
    st->bind_all(q.name, q.id, q.domain_id);
    bind_page(*st, q);
    return collect(*st, read_user);
}

bool delete_user(sql::database& db, std::string_view id) {
    db.prepare("DELETE FROM role_assignments WHERE actor_type = 'user' AND actor_id = ?")->bind_all(id).exec();
    db.prepare("DELETE FROM users WHERE id = ?")->bind_all(id).exec();
    return db.changes() > 0;
}

void insert_group(sql::database& db, const group& g) {
    db.prepare("INSERT INTO groups (id, name, domain_id, description, created_at, updated_at) VALUES (?,?,?,?,?,?)")
        ->bind_all(g.id, g.name, g.domain_id, g.description, g.created_at, g.updated_at)
        .exec();
}

void update_group(sql::database& db, const group& g) {
    db.prepare("UPDATE groups SET name = ?2, description = ?3, updated_at = ?4 WHERE id = ?1")
        ->bind_all(g.id, g.name, g.description, g.updated_at)
        .exec();
}

std::optional<group> find_group(sql::database& db, std::string_view id) {
    auto st = db.prepare(KUMO_GROUP_COLUMNS "WHERE id = ?");
    st->bind(1, id);
    return first(*st, read_group);
}

std::vector<group> list_groups(sql::database& db, const list_query& q) {
    auto st = db.prepare(
        KUMO_GROUP_COLUMNS
        "WHERE (?1 = '' OR name = ?1) AND (?2 = '' OR id = ?2) AND (?3 = '' OR domain_id = ?3)" KUMO_PAGE("groups"));
    st->bind_all(q.name, q.id, q.domain_id);
    bind_page(*st, q);
    return collect(*st, read_group);
}

bool delete_group(sql::database& db, std::string_view id) {
    db.prepare("DELETE FROM role_assignments WHERE actor_type = 'group' AND actor_id = ?")->bind_all(id).exec();
    db.prepare("DELETE FROM groups WHERE id = ?")->bind_all(id).exec();
    return db.changes() > 0;
}

void add_group_member(sql::database& db, std::string_view group_id, std::string_view user_id) {
    db.prepare("INSERT OR IGNORE INTO group_members (group_id, user_id) VALUES (?, ?)")
        ->bind_all(group_id, user_id)
        .exec();
}

bool remove_group_member(sql::database& db, std::string_view group_id, std::string_view user_id) {
    db.prepare("DELETE FROM group_members WHERE group_id = ? AND user_id = ?")->bind_all(group_id, user_id).exec();
    return db.changes() > 0;
}

std::vector<user> group_members(sql::database& db, std::string_view group_id) {
    auto st = db.prepare(
        "SELECT u.id, u.name, u.domain_id, u.email, u.password_hash, u.enabled, u.created_at, u.updated_at "
        "FROM group_members m JOIN users u ON u.id = m.user_id WHERE m.group_id = ? ORDER BY u.name");
    st->bind(1, group_id);
    return collect(*st, read_user);
}

}  // namespace kumo::repo
