#include "kumo/core/json.hpp"
#include "kumo/store/image_repos.hpp"

namespace kumo::repo {
namespace {

#define KUMO_IMAGE_COLUMNS                                                                                    \
    "SELECT id, name, project_id, visibility, protected, status, disk_format, container_format, size_bytes, " \
    "virtual_size, sha256, md5, expected_sha256, min_ram_mb, min_disk_gb, properties, fault, created_at, "    \
    "updated_at FROM images "

image read_image(sql::statement& st) {
    image i;
    i.id = st.text(0);
    i.name = st.text(1);
    i.project_id = st.text(2);
    i.visibility = st.text(3);
    i.is_protected = st.int64(4) != 0;
    i.status = parse_image_status(st.text(5)).value_or(image_status::killed);
    i.disk_format = st.text(6);
    i.container_format = st.text(7);
    i.size_bytes = st.int64(8);
    i.virtual_size = st.int64(9);
    i.sha256 = st.text(10);
    i.md5 = st.text(11);
    i.expected_sha256 = st.text(12);
    i.min_ram_mb = st.integer(13);
    i.min_disk_gb = st.integer(14);
    i.properties = json::parse(st.text(15)).get<std::map<std::string, std::string>>();
    i.fault = st.text(16);
    i.created_at = st.text(17);
    i.updated_at = st.text(18);
    return i;
}

}  // namespace

void insert_image(sql::database& db, const image& i) {
    db.prepare(
          "INSERT INTO images (id, name, project_id, visibility, protected, status, disk_format, container_format, "
          "size_bytes, virtual_size, sha256, md5, expected_sha256, min_ram_mb, min_disk_gb, properties, fault, "
          "created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)")
        ->bind_all(i.id, i.name, i.project_id, i.visibility, i.is_protected, to_string(i.status), i.disk_format,
                   i.container_format, i.size_bytes, i.virtual_size, i.sha256, i.md5, i.expected_sha256, i.min_ram_mb,
                   i.min_disk_gb, json(i.properties).dump(), i.fault, i.created_at, i.updated_at)
        .exec();
}

void update_image(sql::database& db, const image& i) {
    db.prepare(
          "UPDATE images SET name=?, visibility=?, protected=?, status=?, disk_format=?, container_format=?, "
          "size_bytes=?, virtual_size=?, sha256=?, md5=?, expected_sha256=?, min_ram_mb=?, min_disk_gb=?, "
          "properties=?, fault=?, updated_at=? WHERE id=?")
        ->bind_all(i.name, i.visibility, i.is_protected, to_string(i.status), i.disk_format, i.container_format,
                   i.size_bytes, i.virtual_size, i.sha256, i.md5, i.expected_sha256, i.min_ram_mb, i.min_disk_gb,
                   json(i.properties).dump(), i.fault, i.updated_at, i.id)
        .exec();
}

bool set_image_status_if(sql::database& db, std::string_view id, image_status from, image_status to,
                         std::string_view now) {
    db.prepare("UPDATE images SET status = ?, updated_at = ? WHERE id = ? AND status = ?")
        ->bind_all(to_string(to), now, id, to_string(from))
        .exec();
    return db.changes() > 0;
}

std::optional<image> find_image(sql::database& db, std::string_view id) {
    auto st = db.prepare(KUMO_IMAGE_COLUMNS "WHERE id = ?");
    st->bind(1, id);
    if (!st->step())
        return std::nullopt;
    return read_image(*st);
}

std::vector<image> list_images(sql::database& db, std::string_view project_id, std::string_view marker, int limit) {
    auto st = db.prepare(KUMO_IMAGE_COLUMNS
                         "WHERE (?1 = '' OR project_id = ?1 OR visibility = 'public' OR (visibility = 'shared' AND "
                         "EXISTS (SELECT 1 FROM image_members m WHERE m.image_id = images.id AND m.project_id = ?1))) "
                         "AND (?2 = '' OR rowid > (SELECT rowid FROM images WHERE id = ?2)) ORDER BY rowid LIMIT ?3");
    st->bind_all(std::string(project_id), std::string(marker), limit);
    std::vector<image> out;
    while (st->step())
        out.push_back(read_image(*st));
    return out;
}

void delete_image(sql::database& db, std::string_view id) {
    db.prepare("DELETE FROM images WHERE id = ?")->bind_all(id).exec();
}

bool image_in_use(sql::database& db, std::string_view id) {
    auto st = db.prepare(
        "SELECT 1 FROM vms WHERE image_id = ?1 OR json_extract(boot, '$.kernel_image') = ?1 OR "
        "json_extract(boot, '$.ramdisk_image') = ?1 "
        // Volumes and volume snapshots without a file yet still start from the image.
        "UNION ALL SELECT 1 FROM volumes WHERE source_image_id = ?1 AND host_id IS NULL "
        "UNION ALL SELECT 1 FROM volume_snapshots WHERE source_image_id = ?1 AND host_id IS NULL LIMIT 1");
    st->bind(1, id);
    return st->step();
}

std::int64_t image_bytes_of(sql::database& db, std::string_view project_id) {
    auto st = db.prepare(
        "SELECT coalesce(sum(size_bytes), 0) FROM images WHERE project_id = ? AND status IN ('saving', 'active')");
    st->bind(1, project_id);
    st->step();
    return st->int64(0);
}

std::int64_t image_count_of(sql::database& db, std::string_view project_id) {
    auto st = db.prepare("SELECT count(*) FROM images WHERE project_id = ?");
    st->bind(1, project_id);
    st->step();
    return st->int64(0);
}

bool is_image_member(sql::database& db, std::string_view image_id, std::string_view project_id) {
    auto st = db.prepare("SELECT 1 FROM image_members WHERE image_id = ? AND project_id = ?");
    st->bind_all(image_id, project_id);
    return st->step();
}

void add_image_member(sql::database& db, std::string_view image_id, std::string_view project_id) {
    db.prepare("INSERT OR IGNORE INTO image_members (image_id, project_id) VALUES (?, ?)")
        ->bind_all(image_id, project_id)
        .exec();
}

bool remove_image_member(sql::database& db, std::string_view image_id, std::string_view project_id) {
    db.prepare("DELETE FROM image_members WHERE image_id = ? AND project_id = ?")
        ->bind_all(image_id, project_id)
        .exec();
    return db.changes() > 0;
}

std::vector<std::string> image_members(sql::database& db, std::string_view image_id) {
    auto st = db.prepare("SELECT project_id FROM image_members WHERE image_id = ? ORDER BY project_id");
    st->bind(1, image_id);
    std::vector<std::string> out;
    while (st->step())
        out.push_back(st->text(0));
    return out;
}

#define KUMO_VOLUME_COLUMNS                                                                                          \
    "SELECT id, name, project_id, size_gb, status, COALESCE(host_id, ''), COALESCE(vm_id, ''), device, created_at, " \
    "updated_at, source_image_id, source_snapshot_id, volume_type FROM volumes "

namespace {

volume read_volume(sql::statement& st) {
    return volume{st.text(0), st.text(1), st.text(2), st.integer(3), st.text(4),  st.text(5), st.text(6),
                  st.text(7), st.text(8), st.text(9), st.text(10),   st.text(11), st.text(12)};
}

void bind_optional(sql::statement& st, int index, const std::string& id) {
    if (id.empty())
        st.bind_null(index);
    else
        st.bind(index, id);
}

}  // namespace

void insert_volume(sql::database& db, const volume& v) {
    auto st = db.prepare(
        "INSERT INTO volumes (id, name, project_id, size_gb, status, host_id, vm_id, device, created_at, updated_at, "
        "source_image_id, source_snapshot_id, volume_type) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)");
    st->bind_all(v.id, v.name, v.project_id, v.size_gb, v.status, v.host_id, v.vm_id, v.device, v.created_at,
                 v.updated_at, v.source_image_id, v.source_snapshot_id, v.volume_type);
    bind_optional(*st, 6, v.host_id);
    bind_optional(*st, 7, v.vm_id);
    st->exec();
}

void update_volume(sql::database& db, const volume& v) {
    auto st = db.prepare(
        "UPDATE volumes SET name=?, size_gb=?, status=?, host_id=?, vm_id=?, device=?, updated_at=? WHERE id=?");
    st->bind_all(v.name, v.size_gb, v.status, v.host_id, v.vm_id, v.device, v.updated_at, v.id);
    bind_optional(*st, 4, v.host_id);
    bind_optional(*st, 5, v.vm_id);
    st->exec();
}

std::optional<volume> find_volume(sql::database& db, std::string_view id) {
    auto st = db.prepare(KUMO_VOLUME_COLUMNS "WHERE id = ?");
    st->bind(1, id);
    if (!st->step())
        return std::nullopt;
    return read_volume(*st);
}

std::vector<volume> list_volumes(sql::database& db, std::string_view project_id, std::string_view marker, int limit) {
    auto st = db.prepare(KUMO_VOLUME_COLUMNS
                         "WHERE (?1 = '' OR project_id = ?1) AND (?2 = '' OR rowid > (SELECT rowid FROM volumes "
                         "WHERE id = ?2)) ORDER BY rowid LIMIT ?3");
    st->bind_all(std::string(project_id), std::string(marker), limit);
    std::vector<volume> out;
    while (st->step())
        out.push_back(read_volume(*st));
    return out;
}

std::vector<volume> volumes_of_vm(sql::database& db, std::string_view vm_id) {
    auto st = db.prepare(KUMO_VOLUME_COLUMNS "WHERE vm_id = ? ORDER BY device");
    st->bind(1, vm_id);
    std::vector<volume> out;
    while (st->step())
        out.push_back(read_volume(*st));
    return out;
}

void delete_volume(sql::database& db, std::string_view id) {
    db.prepare("DELETE FROM volumes WHERE id = ?")->bind_all(id).exec();
}

void detach_all_volumes(sql::database& db, std::string_view vm_id, std::string_view now) {
    db.prepare("UPDATE volumes SET vm_id = NULL, device = '', status = 'available', updated_at = ? WHERE vm_id = ?")
        ->bind_all(now, vm_id)
        .exec();
}

void insert_volume_snapshot(sql::database& db, const volume_snapshot& s) {
    auto st = db.prepare(
        "INSERT INTO volume_snapshots (id, volume_id, project_id, name, size_gb, host_id, source_image_id, created_at) "
        "VALUES (?,?,?,?,?,?,?,?)");
    st->bind_all(s.id, s.volume_id, s.project_id, s.name, s.size_gb, s.host_id, s.source_image_id, s.created_at);
    bind_optional(*st, 6, s.host_id);
    st->exec();
}

namespace {

#define KUMO_VOLUME_SNAPSHOT_COLUMNS                                                                            \
    "SELECT id, volume_id, project_id, name, size_gb, COALESCE(host_id, ''), source_image_id, created_at FROM " \
    "volume_snapshots "

volume_snapshot read_volume_snapshot(sql::statement& st) {
    return volume_snapshot{st.text(0),    st.text(1), st.text(2), st.text(3),
                           st.integer(4), st.text(5), st.text(6), st.text(7)};
}

}  // namespace

std::optional<volume_snapshot> find_volume_snapshot(sql::database& db, std::string_view id) {
    auto st = db.prepare(KUMO_VOLUME_SNAPSHOT_COLUMNS "WHERE id = ?");
    st->bind(1, id);
    if (!st->step())
        return std::nullopt;
    return read_volume_snapshot(*st);
}

std::vector<volume_snapshot> volume_snapshots_of(sql::database& db, std::string_view volume_id) {
    auto st = db.prepare(KUMO_VOLUME_SNAPSHOT_COLUMNS "WHERE volume_id = ? ORDER BY rowid");
    st->bind(1, volume_id);
    std::vector<volume_snapshot> out;
    while (st->step())
        out.push_back(read_volume_snapshot(*st));
    return out;
}

void delete_volume_snapshot(sql::database& db, std::string_view id) {
    db.prepare("DELETE FROM volume_snapshots WHERE id = ?")->bind_all(id).exec();
}

void move_vm_storage(sql::database& db, const vm& v, std::string_view source, std::string_view target,
                     std::string_view now) {
    db.prepare("UPDATE volumes SET host_id = ? WHERE vm_id = ?")->bind_all(target, v.id).exec();
    for (const auto& image_id : {v.image_id, v.kernel_image, v.ramdisk_image}) {
        if (image_id.empty())
            continue;
        if (auto c = find_cached_image(db, source, image_id))
            record_cached_image(db, {std::string(target), image_id, c->path, std::string(now)});
    }
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

void record_cached_image(sql::database& db, const cached_image& c) {
    db.prepare(
          "INSERT INTO image_cache (host_id, image_id, path, last_used) VALUES (?1, ?2, ?3, ?4) "
          "ON CONFLICT (host_id, image_id) DO UPDATE SET path = ?3, last_used = ?4")
        ->bind_all(c.host_id, c.image_id, c.path, c.last_used)
        .exec();
}

std::optional<cached_image> find_cached_image(sql::database& db, std::string_view host_id, std::string_view image_id) {
    auto st =
        db.prepare("SELECT host_id, image_id, path, last_used FROM image_cache WHERE host_id = ? AND image_id = ?");
    st->bind_all(host_id, image_id);
    if (!st->step())
        return std::nullopt;
    return cached_image{st->text(0), st->text(1), st->text(2), st->text(3)};
}

std::vector<std::string> hosts_caching(sql::database& db, std::string_view image_id) {
    auto st = db.prepare("SELECT host_id FROM image_cache WHERE image_id = ? ORDER BY host_id");
    st->bind(1, image_id);
    std::vector<std::string> out;
    while (st->step())
        out.push_back(st->text(0));
    return out;
}

std::vector<cached_image> unused_cached_images(sql::database& db, std::string_view host_id) {
    auto st = db.prepare(
        "SELECT c.host_id, c.image_id, c.path, c.last_used FROM image_cache c WHERE c.host_id = ?1 AND NOT EXISTS "
        "(SELECT 1 FROM vms v WHERE v.host_id = ?1 AND (v.image_id = c.image_id OR "
        "json_extract(v.boot, '$.kernel_image') = c.image_id OR json_extract(v.boot, '$.ramdisk_image') = c.image_id)) "
        "ORDER BY c.last_used");
    st->bind(1, host_id);
    std::vector<cached_image> out;
    while (st->step())
        out.push_back(cached_image{st->text(0), st->text(1), st->text(2), st->text(3)});
    return out;
}

void forget_cached_image(sql::database& db, std::string_view host_id, std::string_view image_id) {
    db.prepare("DELETE FROM image_cache WHERE host_id = ? AND image_id = ?")->bind_all(host_id, image_id).exec();
}

}  // namespace kumo::repo
