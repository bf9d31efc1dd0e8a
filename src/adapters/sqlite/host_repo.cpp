#include "kumo/store/repos.hpp"

namespace kumo::repo {
namespace {

#define KUMO_HOST_COLUMNS                                                                                         \
    "SELECT id, name, uri, status, virt_type, cpu_model, cpus, memory_mb, arch, hypervisor, hypervisor_version, " \
    "libvirt_version, hostname, last_error, created_at, updated_at FROM hosts "

host read_host(sql::statement& st) {
    host h;
    h.id = st.text(0);
    h.name = st.text(1);
    h.uri = st.text(2);
    h.status = st.text(3) == "up" ? host_status::up : host_status::down;
    h.virt_type = st.text(4);
    h.inventory = host_inventory{st.text(5), st.integer(6), st.int64(7), st.text(8),
                                 st.text(9), st.text(10),   st.text(11), st.text(12)};
    h.last_error = st.text(13);
    h.created_at = st.text(14);
    h.updated_at = st.text(15);
    return h;
}

}  // namespace

void insert_host(sql::database& db, const host& h) {
    const auto& i = h.inventory;
    db.prepare(
          "INSERT INTO hosts (id, name, uri, status, virt_type, cpu_model, cpus, memory_mb, arch, hypervisor, "
          "hypervisor_version, libvirt_version, hostname, last_error, created_at, updated_at) "
          "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)")
        ->bind_all(h.id, h.name, h.uri, to_string(h.status), h.virt_type, i.cpu_model, i.cpus, i.memory_mb, i.arch,
                   i.hypervisor, i.hypervisor_version, i.libvirt_version, i.hostname, h.last_error, h.created_at,
                   h.updated_at)
        .exec();
}

void update_host(sql::database& db, const host& h) {
    const auto& i = h.inventory;
    db.prepare(
          "UPDATE hosts SET status=?, cpu_model=?, cpus=?, memory_mb=?, arch=?, hypervisor=?, "
          "hypervisor_version=?, libvirt_version=?, hostname=?, last_error=?, updated_at=? WHERE id=?")
        ->bind_all(to_string(h.status), i.cpu_model, i.cpus, i.memory_mb, i.arch, i.hypervisor, i.hypervisor_version,
                   i.libvirt_version, i.hostname, h.last_error, h.updated_at, h.id)
        .exec();
}

std::optional<host> find_host(sql::database& db, std::string_view id) {
    auto st = db.prepare(KUMO_HOST_COLUMNS "WHERE id = ?");
    st->bind(1, id);
    if (!st->step())
        return std::nullopt;
    return read_host(*st);
}

std::vector<host> list_hosts(sql::database& db, const list_query& q) {
    auto st = db.prepare(KUMO_HOST_COLUMNS
                         "WHERE (?1 = '' OR name = ?1) AND (?2 = '' OR status = ?2) "
                         "AND (?3 = '' OR rowid > (SELECT rowid FROM hosts WHERE id = ?3)) ORDER BY rowid LIMIT ?4");
    st->bind_all(q.name, q.status, q.marker, q.limit);
    std::vector<host> out;
    while (st->step())
        out.push_back(read_host(*st));
    return out;
}

std::vector<host> all_hosts(sql::database& db) {
    auto st = db.prepare(KUMO_HOST_COLUMNS "ORDER BY rowid");
    std::vector<host> out;
    while (st->step())
        out.push_back(read_host(*st));
    return out;
}

}  // namespace kumo::repo
