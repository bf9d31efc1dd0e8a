#include "kumo/storage/volume_repo.hpp"

#include "kumo/core/json.hpp"

namespace kumo::repo {

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

std::vector<volume> list_volumes(sql::database& db, std::string_view project_id, std::string_view marker, int limit,
                                 std::string_view name) {
    auto st = db.prepare(KUMO_VOLUME_COLUMNS
                         "WHERE (?1 = '' OR project_id = ?1) AND (?2 = '' OR rowid > (SELECT rowid FROM volumes "
                         "WHERE id = ?2)) AND (?4 = '' OR name = ?4) ORDER BY rowid LIMIT ?3");
    st->bind_all(std::string(project_id), std::string(marker), limit, std::string(name));
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

void move_vm_storage(sql::database& db, std::string_view vm_id, const std::vector<std::string>& image_ids,
                     std::string_view source, std::string_view target, std::string_view now) {
    db.prepare("UPDATE volumes SET host_id = ? WHERE vm_id = ?")->bind_all(target, vm_id).exec();
    for (const auto& image_id : image_ids) {
        if (image_id.empty())
            continue;
        if (auto c = find_cached_image(db, source, image_id))
            record_cached_image(db, {std::string(target), image_id, c->path, std::string(now)});
    }
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

std::vector<cached_image> cached_images_on(sql::database& db, std::string_view host_id) {
    auto st =
        db.prepare("SELECT host_id, image_id, path, last_used FROM image_cache WHERE host_id = ?1 ORDER BY last_used");
    st->bind(1, host_id);
    std::vector<cached_image> out;
    while (st->step())
        out.push_back(cached_image{st->text(0), st->text(1), st->text(2), st->text(3)});
    return out;
}

void forget_cached_image(sql::database& db, std::string_view host_id, std::string_view image_id) {
    db.prepare("DELETE FROM image_cache WHERE host_id = ? AND image_id = ?")->bind_all(host_id, image_id).exec();
}

std::map<std::string, std::int64_t> volume_quota_usage(sql::database& db, std::string_view project_id) {
    auto vols = db.prepare("SELECT count(*), coalesce(sum(size_gb), 0) FROM volumes WHERE project_id = ?");
    vols->bind(1, project_id);
    vols->step();
    // Snapshots hold data too: they count against volume_gb, as Cinder's snapshots count in its gigabytes.
    auto snaps = db.prepare("SELECT coalesce(sum(size_gb), 0) FROM volume_snapshots WHERE project_id = ?");
    snaps->bind(1, project_id);
    snaps->step();
    return {{"volumes", vols->int64(0)}, {"volume_gb", vols->int64(1) + snaps->int64(0)}};
}

bool image_needed_by_volumes(sql::database& db, std::string_view image_id) {
    // Volumes and volume snapshots without a file yet still start from the image.
    auto st = db.prepare(
        "SELECT 1 FROM volumes WHERE source_image_id = ?1 AND host_id IS NULL "
        "UNION ALL SELECT 1 FROM volume_snapshots WHERE source_image_id = ?1 AND host_id IS NULL LIMIT 1");
    st->bind(1, image_id);
    return st->step();
}

bool project_has_volumes(sql::database& db, std::string_view project_id) {
    auto st = db.prepare("SELECT 1 FROM volumes WHERE project_id = ? LIMIT 1");
    st->bind(1, project_id);
    return st->step();
}

}  // namespace kumo::repo
