#include "scheduling_repo.hpp"
#include "kumo/core/json.hpp"

namespace kumo::repo {
namespace {

#define KUMO_GROUP_COLUMNS "SELECT id, name, project_id, user_id, policy, created_at, updated_at FROM server_groups "
#define KUMO_AGGREGATE_COLUMNS "SELECT id, name, availability_zone, metadata, created_at, updated_at FROM aggregates "

std::vector<std::string> column_list(sql::database& db, const char* sql, std::string_view key) {
    auto st = db.prepare(sql);
    st->bind(1, key);
    std::vector<std::string> out;
    while (st->step())
        out.push_back(st->text(0));
    return out;
}

server_group read_group(sql::statement& st) {
    return server_group{st.text(0), st.text(1), st.text(2), st.text(3), st.text(4), {}, st.text(5), st.text(6)};
}

aggregate read_aggregate(sql::database& db, sql::statement& st) {
    aggregate a;
    a.id = st.text(0);
    a.name = st.text(1);
    a.availability_zone = st.text(2);
    a.metadata = json::parse(st.text(3)).get<std::map<std::string, std::string>>();
    a.created_at = st.text(4);
    a.updated_at = st.text(5);
    a.hosts = column_list(db, "SELECT host_id FROM aggregate_hosts WHERE aggregate_id = ? ORDER BY host_id", a.id);
    return a;
}

}  // namespace

void insert_server_group(sql::database& db, const server_group& g) {
    db.prepare(
          "INSERT INTO server_groups (id, name, project_id, user_id, policy, created_at, updated_at) "
          "VALUES (?,?,?,?,?,?,?)")
        ->bind_all(g.id, g.name, g.project_id, g.user_id, g.policy, g.created_at, g.updated_at)
        .exec();
}

std::optional<server_group> find_server_group(sql::database& db, std::string_view id) {
    auto st = db.prepare(KUMO_GROUP_COLUMNS "WHERE id = ?");
    st->bind(1, id);
    if (!st->step())
        return std::nullopt;
    return read_group(*st);
}

std::vector<server_group> list_server_groups(sql::database& db, const list_query& q) {
    auto st = db.prepare(KUMO_GROUP_COLUMNS
                         "WHERE (?1 = '' OR project_id = ?1) AND (?2 = '' OR name = ?2) "
                         "AND (?3 = '' OR rowid > (SELECT rowid FROM server_groups WHERE id = ?3)) "
                         "ORDER BY rowid LIMIT ?4");
    st->bind_all(q.project_id, q.name, q.marker, q.limit);
    std::vector<server_group> out;
    while (st->step())
        out.push_back(read_group(*st));
    return out;
}

bool delete_server_group(sql::database& db, std::string_view id) {
    db.prepare("DELETE FROM server_groups WHERE id = ?")->bind_all(id).exec();
    return db.changes() > 0;
}

void insert_aggregate(sql::database& db, const aggregate& a) {
    db.prepare(
          "INSERT INTO aggregates (id, name, availability_zone, metadata, created_at, updated_at) "
          "VALUES (?,?,?,?,?,?)")
        ->bind_all(a.id, a.name, a.availability_zone, json(a.metadata).dump(), a.created_at, a.updated_at)
        .exec();
}

void update_aggregate(sql::database& db, const aggregate& a) {
    db.prepare("UPDATE aggregates SET name=?, availability_zone=?, metadata=?, updated_at=? WHERE id=?")
        ->bind_all(a.name, a.availability_zone, json(a.metadata).dump(), a.updated_at, a.id)
        .exec();
}

std::optional<aggregate> find_aggregate(sql::database& db, std::string_view id) {
    auto st = db.prepare(KUMO_AGGREGATE_COLUMNS "WHERE id = ?");
    st->bind(1, id);
    if (!st->step())
        return std::nullopt;
    return read_aggregate(db, *st);
}

std::vector<aggregate> list_aggregates(sql::database& db, const list_query& q) {
    auto st = db.prepare(KUMO_AGGREGATE_COLUMNS
                         "WHERE (?1 = '' OR name = ?1) "
                         "AND (?2 = '' OR rowid > (SELECT rowid FROM aggregates WHERE id = ?2)) "
                         "ORDER BY rowid LIMIT ?3");
    st->bind_all(q.name, q.marker, q.limit);
    std::vector<aggregate> out;
    while (st->step())
        out.push_back(read_aggregate(db, *st));
    return out;
}

std::vector<aggregate> all_aggregates(sql::database& db) {
    list_query q;
    q.limit = -1;  // SQLite: no limit
    return list_aggregates(db, q);
}

bool delete_aggregate(sql::database& db, std::string_view id) {
    db.prepare("DELETE FROM aggregates WHERE id = ?")->bind_all(id).exec();
    return db.changes() > 0;
}

bool add_aggregate_host(sql::database& db, std::string_view aggregate_id, std::string_view host_id) {
    db.prepare("INSERT OR IGNORE INTO aggregate_hosts (aggregate_id, host_id) VALUES (?,?)")
        ->bind_all(aggregate_id, host_id)
        .exec();
    return db.changes() > 0;
}

bool remove_aggregate_host(sql::database& db, std::string_view aggregate_id, std::string_view host_id) {
    db.prepare("DELETE FROM aggregate_hosts WHERE aggregate_id = ? AND host_id = ?")
        ->bind_all(aggregate_id, host_id)
        .exec();
    return db.changes() > 0;
}

}  // namespace kumo::repo
