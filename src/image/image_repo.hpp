#pragma once
// The image module's tables: images and the projects they are shared with. Runs on the store thread
// (see kumo/store/database.hpp).
#include "kumo/image/image.hpp"
#include "kumo/store/database.hpp"

#include <map>
#include <optional>
#include <vector>

namespace kumo::repo {

void insert_image(sql::database& db, const image& i);
// Everything but id, project_id and created_at.
void update_image(sql::database& db, const image& i);
// Moves the image from `from` to `to` only if it is in `from`; false otherwise (someone else got there).
bool set_image_status_if(sql::database& db, std::string_view id, image_status from, image_status to,
                         std::string_view now);
std::optional<image> find_image(sql::database& db, std::string_view id);
// Images `project_id` may see: its own, public ones, and those shared with it; all for an empty project.
// `name` empty: any name.
std::vector<image> list_images(sql::database& db, std::string_view project_id, std::string_view marker, int limit,
                               std::string_view name = {});
void delete_image(sql::database& db, std::string_view id);
// Bytes of the project's images that hold or are receiving a file.
std::int64_t image_bytes_of(sql::database& db, std::string_view project_id);
std::int64_t image_count_of(sql::database& db, std::string_view project_id);
// The project's images and image_gb, for its quota.
std::map<std::string, std::int64_t> image_quota_usage(sql::database& db, std::string_view project_id);
// Whether the project owns an image (whatever its visibility): a project that does cannot be deleted.
bool project_has_images(sql::database& db, std::string_view project_id);

bool is_image_member(sql::database& db, std::string_view image_id, std::string_view project_id);
void add_image_member(sql::database& db, std::string_view image_id, std::string_view project_id);
bool remove_image_member(sql::database& db, std::string_view image_id, std::string_view project_id);
std::vector<std::string> image_members(sql::database& db, std::string_view image_id);
}  // namespace kumo::repo
