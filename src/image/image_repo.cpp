#include "image_repo.hpp"
#include "kumo/core/json.hpp"

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

std::vector<image> list_images(sql::database& db, std::string_view project_id, std::string_view marker, int limit,
                               std::string_view name) {
    auto st = db.prepare(KUMO_IMAGE_COLUMNS
                         "WHERE (?1 = '' OR project_id = ?1 OR visibility = 'public' OR (visibility = 'shared' AND "
                         "EXISTS (SELECT 1 FROM image_members m WHERE m.image_id = images.id AND m.project_id = ?1))) "
                         "AND (?2 = '' OR rowid > (SELECT rowid FROM images WHERE id = ?2)) AND (?4 = '' OR name = ?4) "
                         "ORDER BY rowid LIMIT ?3");
    st->bind_all(std::string(project_id), std::string(marker), limit, std::string(name));
    std::vector<image> out;
    while (st->step())
        out.push_back(read_image(*st));
    return out;
}

void delete_image(sql::database& db, std::string_view id) {
    db.prepare("DELETE FROM images WHERE id = ?")->bind_all(id).exec();
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

std::map<std::string, std::int64_t> image_quota_usage(sql::database& db, std::string_view project_id) {
    return {{"images", image_count_of(db, project_id)},
            {"image_gb", (image_bytes_of(db, project_id) + (1LL << 30) - 1) >> 30}};  // started GiB count
}

bool project_has_images(sql::database& db, std::string_view project_id) {
    auto st = db.prepare("SELECT 1 FROM images WHERE project_id = ? LIMIT 1");
    st->bind(1, project_id);
    return st->step();
}

}  // namespace kumo::repo
