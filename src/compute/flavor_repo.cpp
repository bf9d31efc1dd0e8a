#include "kumo/core/json.hpp"
#include "vm_repo.hpp"

namespace kumo::repo {
namespace {

#define KUMO_FLAVOR_COLUMNS \
    "SELECT id, name, vcpus, ram_mb, disk_gb, extra_specs, created_at, updated_at, ephemeral_gb FROM flavors "

flavor read_flavor(sql::statement& st) {
    flavor f;
    f.id = st.text(0);
    f.name = st.text(1);
    f.vcpus = st.integer(2);
    f.ram_mb = st.integer(3);
    f.disk_gb = st.integer(4);
    f.created_at = st.text(6);
    f.updated_at = st.text(7);
    f.extra_specs = json::parse(st.text(5)).get<std::map<std::string, std::string>>();
    f.ephemeral_gb = st.integer(8);
    return f;
}

}  // namespace

void insert_flavor(sql::database& db, const flavor& f) {
    db.prepare(
          "INSERT INTO flavors (id, name, vcpus, ram_mb, disk_gb, extra_specs, created_at, updated_at, ephemeral_gb) "
          "VALUES (?,?,?,?,?,?,?,?,?)")
        ->bind_all(f.id, f.name, f.vcpus, f.ram_mb, f.disk_gb, json(f.extra_specs).dump(), f.created_at, f.updated_at,
                   f.ephemeral_gb)
        .exec();
}

std::optional<flavor> find_flavor(sql::database& db, std::string_view id) {
    auto st = db.prepare(KUMO_FLAVOR_COLUMNS "WHERE id = ?");
    st->bind(1, id);
    if (!st->step())
        return std::nullopt;
    return read_flavor(*st);
}

std::vector<flavor> list_flavors(sql::database& db, const list_query& q) {
    auto st = db.prepare(KUMO_FLAVOR_COLUMNS
                         "WHERE (?1 = '' OR name = ?1) "
                         "AND (?2 = '' OR rowid > (SELECT rowid FROM flavors WHERE id = ?2)) ORDER BY rowid LIMIT ?3");
    st->bind_all(q.name, q.marker, q.limit);
    std::vector<flavor> out;
    while (st->step())
        out.push_back(read_flavor(*st));
    return out;
}

bool delete_flavor(sql::database& db, std::string_view id) {
    db.prepare("DELETE FROM flavors WHERE id = ?")->bind_all(id).exec();
    return db.changes() > 0;
}

bool flavor_in_use(sql::database& db, std::string_view id) {
    auto st = db.prepare("SELECT 1 FROM vms WHERE flavor_id = ? LIMIT 1");
    st->bind(1, id);
    return st->step();
}

}  // namespace kumo::repo
