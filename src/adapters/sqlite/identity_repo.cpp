#include "kumo/store/repos.hpp"

namespace kumo::repo {

void insert_project(sql::database& db, const project& p) {
    db.prepare("INSERT INTO projects (id, name, created_at, updated_at) VALUES (?, ?, ?, ?)")
        ->bind_all(p.id, p.name, p.created_at, p.updated_at)
        .exec();
}

std::optional<project> find_project(sql::database& db, std::string_view id_or_name) {
    auto st = db.prepare("SELECT id, name, created_at, updated_at FROM projects WHERE id = ?1 OR name = ?1");
    st->bind(1, id_or_name);
    if (!st->step())
        return std::nullopt;
    return project{st->text(0), st->text(1), st->text(2), st->text(3)};
}

namespace {
const char* const user_columns = "SELECT id, name, password_hash, enabled, created_at, updated_at FROM users ";
user read_user(sql::statement& st) {
    return user{st.text(0), st.text(1), st.text(2), st.int64(3) != 0, st.text(4), st.text(5)};
}
}  // namespace

void insert_user(sql::database& db, const user& u) {
    db.prepare("INSERT INTO users (id, name, password_hash, enabled, created_at, updated_at) VALUES (?,?,?,?,?,?)")
        ->bind_all(u.id, u.name, u.password_hash, u.enabled, u.created_at, u.updated_at)
        .exec();
}

std::optional<user> find_user_by_name(sql::database& db, std::string_view name) {
    auto st = db.prepare(std::string(user_columns) + "WHERE name = ?");
    st->bind(1, name);
    if (!st->step())
        return std::nullopt;
    return read_user(*st);
}

void add_membership(sql::database& db, std::string_view user_id, std::string_view project_id, std::string_view role) {
    db.prepare("INSERT INTO memberships (user_id, project_id, role) VALUES (?, ?, ?)")
        ->bind_all(user_id, project_id, role)
        .exec();
}

std::optional<project> default_project_of(sql::database& db, std::string_view user_id) {
    auto st = db.prepare(
        "SELECT p.id, p.name, p.created_at, p.updated_at FROM memberships m "
        "JOIN projects p ON p.id = m.project_id WHERE m.user_id = ? ORDER BY m.rowid LIMIT 1");
    st->bind(1, user_id);
    if (!st->step())
        return std::nullopt;
    return project{st->text(0), st->text(1), st->text(2), st->text(3)};
}

std::optional<std::string> find_role(sql::database& db, std::string_view user_id, std::string_view project_id) {
    auto st = db.prepare("SELECT role FROM memberships WHERE user_id = ? AND project_id = ?");
    st->bind_all(user_id, project_id);
    if (!st->step())
        return std::nullopt;
    return st->text(0);
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

}  // namespace kumo::repo
