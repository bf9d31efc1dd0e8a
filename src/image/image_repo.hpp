#pragma once
// Image, image member, key pair and image cache rows.
#include "kumo/model/image.hpp"
#include "kumo/model/vm.hpp"
#include "kumo/store/database.hpp"

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
std::vector<image> list_images(sql::database& db, std::string_view project_id, std::string_view marker, int limit);
void delete_image(sql::database& db, std::string_view id);
bool image_in_use(sql::database& db, std::string_view id);  // by a VM (root disk, kernel or ramdisk)
// Bytes of the project's images that hold or are receiving a file.
std::int64_t image_bytes_of(sql::database& db, std::string_view project_id);
std::int64_t image_count_of(sql::database& db, std::string_view project_id);

bool is_image_member(sql::database& db, std::string_view image_id, std::string_view project_id);
void add_image_member(sql::database& db, std::string_view image_id, std::string_view project_id);
bool remove_image_member(sql::database& db, std::string_view image_id, std::string_view project_id);
std::vector<std::string> image_members(sql::database& db, std::string_view image_id);

// volumes
void insert_volume(sql::database& db, const volume& v);
void update_volume(sql::database& db, const volume& v);  // all but id, project_id, created_at
std::optional<volume> find_volume(sql::database& db, std::string_view id);
// A project's volumes (all for an empty project).
std::vector<volume> list_volumes(sql::database& db, std::string_view project_id, std::string_view marker, int limit);
std::vector<volume> volumes_of_vm(sql::database& db, std::string_view vm_id);
void delete_volume(sql::database& db, std::string_view id);
// Makes the VM's volumes available again (the VM is going away).
void detach_all_volumes(sql::database& db, std::string_view vm_id, std::string_view now);

// volume snapshots
void insert_volume_snapshot(sql::database& db, const volume_snapshot& s);
std::optional<volume_snapshot> find_volume_snapshot(sql::database& db, std::string_view id);
std::vector<volume_snapshot> volume_snapshots_of(sql::database& db, std::string_view volume_id);
void delete_volume_snapshot(sql::database& db, std::string_view id);

// VM snapshots
void insert_vm_snapshot(sql::database& db, const vm_snapshot& s);
std::optional<vm_snapshot> find_vm_snapshot(sql::database& db, std::string_view id);
std::vector<vm_snapshot> vm_snapshots_of(sql::database& db, std::string_view vm_id);
void delete_vm_snapshot(sql::database& db, std::string_view id);

// key pairs, per user
void insert_keypair(sql::database& db, const keypair& k);
std::optional<keypair> find_keypair(sql::database& db, std::string_view user_id, std::string_view name);
std::vector<keypair> list_keypairs(sql::database& db, std::string_view user_id);
bool delete_keypair(sql::database& db, std::string_view user_id, std::string_view name);

// Which images a host's pool holds (the cache), by host.
struct cached_image {
    std::string host_id, image_id, path, last_used;
};
void record_cached_image(sql::database& db, const cached_image& c);
std::optional<cached_image> find_cached_image(sql::database& db, std::string_view host_id, std::string_view image_id);
// The hosts with a complete copy of the image recorded (with a shared pool: hosts using the one copy).
std::vector<std::string> hosts_caching(sql::database& db, std::string_view image_id);
// Cached images no VM on that host uses (garbage-collection candidates).
std::vector<cached_image> unused_cached_images(sql::database& db, std::string_view host_id);
void forget_cached_image(sql::database& db, std::string_view host_id, std::string_view image_id);
// After a VM moved between hosts sharing one pool: its volumes are reached through the target now,
// and the target holds (shares) the cached images it boots from.
void move_vm_storage(sql::database& db, const vm& v, std::string_view source, std::string_view target,
                     std::string_view now);

}  // namespace kumo::repo
