#include "kumo/host/host_repo.hpp"
#include "kumo/core/json.hpp"

namespace kumo::repo {
namespace {

#define KUMO_HOST_COLUMNS                                                                                         \
    "SELECT id, name, uri, status, virt_type, cpu_model, cpus, memory_mb, arch, hypervisor, hypervisor_version, " \
    "libvirt_version, hostname, last_error, created_at, updated_at, enabled, maintenance, disk_gb, "              \
    "cpu_features, overrides, ssh_host_key, cpu_xml, migration_address FROM hosts "

host_overrides parse_overrides(const std::string& text) {
    const json j = json::parse(text);
    host_overrides o;
    for_each_override(o, [&](const char* key, auto& field) {
        if (j.contains(key) && !j[key].is_null())
            field = j[key].get<typename std::decay_t<decltype(field)>::value_type>();
    });
    return o;
}

std::string dump_overrides(const host_overrides& o) {
    json j = json::object();
    for_each_override(o, [&](const char* key, const auto& field) {
        if (field)
            j[key] = *field;
    });
    return j.dump();
}

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
    h.enabled = st.integer(16) != 0;
    h.maintenance = st.integer(17) != 0;
    h.inventory.disk_gb = st.int64(18);
    h.inventory.cpu_features = json::parse(st.text(19)).get<std::vector<std::string>>();
    h.overrides = parse_overrides(st.text(20));
    h.ssh_host_key = st.text(21);
    h.inventory.cpu_xml = st.text(22);
    h.migration_address = st.text(23);
    return h;
}

}  // namespace

void insert_host(sql::database& db, const host& h) {
    const auto& i = h.inventory;
    db.prepare(
          "INSERT INTO hosts (id, name, uri, status, virt_type, cpu_model, cpus, memory_mb, arch, hypervisor, "
          "hypervisor_version, libvirt_version, hostname, last_error, created_at, updated_at, enabled, "
          "maintenance, disk_gb, cpu_features, overrides, ssh_host_key, cpu_xml, migration_address) "
          "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)")
        ->bind_all(h.id, h.name, h.uri, to_string(h.status), h.virt_type, i.cpu_model, i.cpus, i.memory_mb, i.arch,
                   i.hypervisor, i.hypervisor_version, i.libvirt_version, i.hostname, h.last_error, h.created_at,
                   h.updated_at, h.enabled, h.maintenance, i.disk_gb, json(i.cpu_features).dump(),
                   dump_overrides(h.overrides), h.ssh_host_key, i.cpu_xml, h.migration_address)
        .exec();
}

void update_host(sql::database& db, const host& h) {
    const auto& i = h.inventory;
    db.prepare(
          "UPDATE hosts SET status=?, cpu_model=?, cpus=?, memory_mb=?, arch=?, hypervisor=?, "
          "hypervisor_version=?, libvirt_version=?, hostname=?, last_error=?, updated_at=?, disk_gb=?, "
          "cpu_features=?, cpu_xml=? WHERE id=?")
        ->bind_all(to_string(h.status), i.cpu_model, i.cpus, i.memory_mb, i.arch, i.hypervisor, i.hypervisor_version,
                   i.libvirt_version, i.hostname, h.last_error, h.updated_at, i.disk_gb, json(i.cpu_features).dump(),
                   i.cpu_xml, h.id)
        .exec();
}

void update_host_settings(sql::database& db, const host& h) {
    db.prepare("UPDATE hosts SET enabled=?, maintenance=?, overrides=?, migration_address=?, updated_at=? WHERE id=?")
        ->bind_all(h.enabled, h.maintenance, dump_overrides(h.overrides), h.migration_address, h.updated_at, h.id)
        .exec();
}

void update_host_key(sql::database& db, std::string_view id, std::string_view key, std::string_view now) {
    db.prepare("UPDATE hosts SET ssh_host_key=?, updated_at=? WHERE id=?")->bind_all(key, now, id).exec();
}

void delete_host(sql::database& db, std::string_view id) {
    db.prepare("DELETE FROM host_usage WHERE host_id=?")->bind_all(id).exec();
    db.prepare("DELETE FROM hosts WHERE id=?")->bind_all(id).exec();
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
