#include "vm_repo.hpp"
#include "kumo/core/json.hpp"

namespace kumo::repo {
namespace {

#define KUMO_VM_COLUMNS                                                                                           \
    "SELECT id, name, project_id, user_id, flavor_id, COALESCE(host_id, ''), vcpus, ram_mb, status, task_state, " \
    "power_state, vnc_password, fault, created_at, updated_at, disk_gb, availability_zone, "                      \
    "COALESCE(server_group_id, ''), image_id, public_keys, user_data, boot, ephemeral_gb FROM vms "

vm read_vm(sql::statement& st) {
    vm v;
    v.id = st.text(0);
    v.name = st.text(1);
    v.project_id = st.text(2);
    v.user_id = st.text(3);
    v.flavor_id = st.text(4);
    v.host_id = st.text(5);
    v.vcpus = st.integer(6);
    v.ram_mb = st.integer(7);
    v.status = parse_vm_status(st.text(8)).value_or(vm_status::error);
    v.task = parse_vm_task(st.text(9)).value_or(vm_task::none);
    v.power = parse_power_state(st.text(10)).value_or(power_state::unknown);
    v.vnc_password = st.text(11);
    v.fault = st.text(12);
    v.created_at = st.text(13);
    v.updated_at = st.text(14);
    v.disk_gb = st.integer(15);
    v.availability_zone = st.text(16);
    v.server_group_id = st.text(17);
    v.image_id = st.text(18);
    v.public_keys = st.text(19);
    v.user_data = st.text(20);
    const json boot = json::parse(st.text(21), nullptr, false);
    if (boot.is_object()) {
        v.kernel_image = boot.value("kernel_image", "");
        v.ramdisk_image = boot.value("ramdisk_image", "");
        v.cmdline = boot.value("cmdline", "");
        v.boot_from_cdrom = boot.value("cdrom", false);
        v.clone_of = boot.value("clone_of", "");
    }
    v.ephemeral_gb = st.integer(22);
    return v;
}

// Optional references are NULL in the database, empty in the model.
void bind_reference(sql::statement& st, int index, const std::string& id) {
    if (id.empty())
        st.bind_null(index);
    else
        st.bind(index, id);
}

}  // namespace

void insert_vm(sql::database& db, const vm& v) {
    auto st = db.prepare(
        "INSERT INTO vms (id, name, project_id, user_id, flavor_id, host_id, vcpus, ram_mb, status, "
        "task_state, power_state, vnc_password, fault, created_at, updated_at, disk_gb, availability_zone, "
        "server_group_id, image_id, public_keys, user_data, boot, ephemeral_gb) VALUES "
        "(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
    st->bind_all(v.id, v.name, v.project_id, v.user_id, v.flavor_id, v.host_id, v.vcpus, v.ram_mb, to_string(v.status),
                 to_string(v.task), to_string(v.power), v.vnc_password, v.fault, v.created_at, v.updated_at, v.disk_gb,
                 v.availability_zone, v.server_group_id, v.image_id, v.public_keys, v.user_data,
                 json{{"kernel_image", v.kernel_image},
                      {"ramdisk_image", v.ramdisk_image},
                      {"cmdline", v.cmdline},
                      {"cdrom", v.boot_from_cdrom},
                      {"clone_of", v.clone_of}}
                     .dump(),
                 v.ephemeral_gb);
    bind_reference(*st, 6, v.host_id);
    bind_reference(*st, 18, v.server_group_id);
    st->exec();
}

void update_vm(sql::database& db, const vm& v) {
    auto st = db.prepare(
        "UPDATE vms SET host_id=?, status=?, task_state=?, power_state=?, fault=?, updated_at=? "
        "WHERE id=?");
    st->bind_all(v.host_id, to_string(v.status), to_string(v.task), to_string(v.power), v.fault, v.updated_at, v.id);
    bind_reference(*st, 1, v.host_id);
    st->exec();
}

bool delete_vm(sql::database& db, std::string_view id) {
    db.prepare("DELETE FROM vms WHERE id = ?")->bind_all(id).exec();
    return db.changes() > 0;
}

std::optional<vm> find_vm(sql::database& db, std::string_view id) {
    auto st = db.prepare(KUMO_VM_COLUMNS "WHERE id = ?");
    st->bind(1, id);
    if (!st->step())
        return std::nullopt;
    return read_vm(*st);
}

std::vector<vm> list_vms(sql::database& db, const list_query& q) {
    auto st = db.prepare(KUMO_VM_COLUMNS
                         "WHERE (?1 = '' OR name = ?1) AND (?2 = '' OR status = ?2) AND (?3 = '' OR host_id = ?3) "
                         "AND (?4 = '' OR project_id = ?4) "
                         "AND (?5 = '' OR rowid > (SELECT rowid FROM vms WHERE id = ?5)) ORDER BY rowid LIMIT ?6");
    st->bind_all(q.name, q.status, q.host_id, q.project_id, q.marker, q.limit);
    std::vector<vm> out;
    while (st->step())
        out.push_back(read_vm(*st));
    return out;
}

std::vector<vm> vms_on_host(sql::database& db, std::string_view host_id) {
    auto st = db.prepare(KUMO_VM_COLUMNS "WHERE host_id = ? ORDER BY rowid");
    st->bind(1, host_id);
    std::vector<vm> out;
    while (st->step())
        out.push_back(read_vm(*st));
    return out;
}

bool record_power(sql::database& db, std::string_view id, power_state power, vm_status idle_status,
                  std::string_view idle_fault, std::string_view now) {
    db.prepare(
          "UPDATE vms SET power_state = ?1, "
          "status = CASE WHEN task_state = '' THEN ?2 ELSE status END, "
          "fault = CASE WHEN task_state = '' AND ?3 != '' THEN ?3 ELSE fault END, "
          "updated_at = ?4 WHERE id = ?5")
        ->bind_all(to_string(power), to_string(idle_status), idle_fault, now, id)
        .exec();
    return db.changes() > 0;
}

bool claim_vm_task(sql::database& db, std::string_view id, vm_task task, std::string_view now) {
    db.prepare("UPDATE vms SET task_state = ?, updated_at = ? WHERE id = ? AND task_state = ''")
        ->bind_all(to_string(task), now, id)
        .exec();
    return db.changes() > 0;
}

void insert_vm_snapshot(sql::database& db, const vm_snapshot& s) {
    db.prepare("INSERT INTO vm_snapshots (id, vm_id, name, with_memory, created_at) VALUES (?, ?, ?, ?, ?)")
        ->bind_all(s.id, s.vm_id, s.name, s.with_memory, s.created_at)
        .exec();
}

std::optional<vm_snapshot> find_vm_snapshot(sql::database& db, std::string_view id) {
    auto st = db.prepare("SELECT id, vm_id, name, with_memory, created_at FROM vm_snapshots WHERE id = ?");
    st->bind(1, id);
    if (!st->step())
        return std::nullopt;
    return vm_snapshot{st->text(0), st->text(1), st->text(2), st->int64(3) != 0, st->text(4)};
}

std::vector<vm_snapshot> vm_snapshots_of(sql::database& db, std::string_view vm_id) {
    auto st =
        db.prepare("SELECT id, vm_id, name, with_memory, created_at FROM vm_snapshots WHERE vm_id = ? ORDER BY rowid");
    st->bind(1, vm_id);
    std::vector<vm_snapshot> out;
    while (st->step())
        out.push_back(vm_snapshot{st->text(0), st->text(1), st->text(2), st->int64(3) != 0, st->text(4)});
    return out;
}

void delete_vm_snapshot(sql::database& db, std::string_view id) {
    db.prepare("DELETE FROM vm_snapshots WHERE id = ?")->bind_all(id).exec();
}

void insert_keypair(sql::database& db, const keypair& k) {
    db.prepare(
          "INSERT INTO keypairs (id, name, user_id, public_key, fingerprint, created_at) VALUES (?, ?, ?, ?, ?, ?)")
        ->bind_all(k.id, k.name, k.user_id, k.public_key, k.fingerprint, k.created_at)
        .exec();
}

std::optional<keypair> find_keypair(sql::database& db, std::string_view user_id, std::string_view name) {
    auto st = db.prepare(
        "SELECT id, name, user_id, public_key, fingerprint, created_at FROM keypairs WHERE user_id = ? AND name = ?");
    st->bind_all(user_id, name);
    if (!st->step())
        return std::nullopt;
    return keypair{st->text(0), st->text(1), st->text(2), st->text(3), st->text(4), st->text(5)};
}

std::vector<keypair> list_keypairs(sql::database& db, std::string_view user_id) {
    auto st = db.prepare(
        "SELECT id, name, user_id, public_key, fingerprint, created_at FROM keypairs WHERE user_id = ? ORDER BY name");
    st->bind(1, user_id);
    std::vector<keypair> out;
    while (st->step())
        out.push_back(keypair{st->text(0), st->text(1), st->text(2), st->text(3), st->text(4), st->text(5)});
    return out;
}

bool delete_keypair(sql::database& db, std::string_view user_id, std::string_view name) {
    db.prepare("DELETE FROM keypairs WHERE user_id = ? AND name = ?")->bind_all(user_id, name).exec();
    return db.changes() > 0;
}

std::map<std::string, std::int64_t> vm_quota_usage(sql::database& db, std::string_view project_id) {
    // project_usage is kept by triggers on vms (migrations 4 and 8).
    auto st = db.prepare("SELECT instances, vcpus, ram_mb, disk_gb FROM project_usage WHERE project_id = ?");
    st->bind(1, project_id);
    if (!st->step())
        return {{"instances", 0}, {"vcpus", 0}, {"ram_mb", 0}, {"disk_gb", 0}};
    return {{"instances", st->int64(0)}, {"vcpus", st->int64(1)}, {"ram_mb", st->int64(2)}, {"disk_gb", st->int64(3)}};
}

bool project_has_vms(sql::database& db, std::string_view project_id) {
    auto st = db.prepare("SELECT 1 FROM vms WHERE project_id = ? LIMIT 1");
    st->bind(1, project_id);
    return st->step();
}

bool image_used_by_vms(sql::database& db, std::string_view image_id) {
    auto st = db.prepare(
        "SELECT 1 FROM vms WHERE image_id = ?1 OR json_extract(boot, '$.kernel_image') = ?1 OR "
        "json_extract(boot, '$.ramdisk_image') = ?1 LIMIT 1");
    st->bind(1, image_id);
    return st->step();
}

std::set<std::string> images_used_on_host(sql::database& db, std::string_view host_id) {
    auto st = db.prepare(
        "SELECT image_id, coalesce(json_extract(boot, '$.kernel_image'), ''), "
        "coalesce(json_extract(boot, '$.ramdisk_image'), '') FROM vms WHERE host_id = ?1");
    st->bind(1, host_id);
    std::set<std::string> used;
    while (st->step())
        for (int col = 0; col < 3; ++col)
            if (auto id = st->text(col); !id.empty())
                used.insert(std::move(id));
    return used;
}

std::vector<std::string> server_group_members(sql::database& db, std::string_view group_id) {
    auto st = db.prepare("SELECT id FROM vms WHERE server_group_id = ? ORDER BY rowid");
    st->bind(1, group_id);
    std::vector<std::string> out;
    while (st->step())
        out.push_back(st->text(0));
    return out;
}

bool vm_leaves_disks_alone(sql::database& db, std::string_view vm_id) {
    auto v = find_vm(db, vm_id);
    return !v || (v->power == power_state::shutoff && v->task == vm_task::none);
}

std::optional<std::string> vms_of_user(sql::database& db, std::string_view user_id) {
    auto st = db.prepare("SELECT 1 FROM vms WHERE user_id = ? LIMIT 1");
    st->bind(1, user_id);
    return st->step() ? std::optional<std::string>("VMs") : std::nullopt;
}

}  // namespace kumo::repo
