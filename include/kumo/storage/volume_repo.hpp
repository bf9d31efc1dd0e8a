#pragma once
// The storage module's tables: volumes, volume snapshots and the hosts' image cache. Runs on the store
// thread (see kumo/store/database.hpp); the compute module calls these inside its own transactions
// (attaching, migrating, deleting VMs).
#include "kumo/storage/volume.hpp"
#include "kumo/store/database.hpp"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace kumo::repo {

// volumes
void insert_volume(sql::database& db, const volume& v);
void update_volume(sql::database& db, const volume& v);  // all but id, project_id, created_at
std::optional<volume> find_volume(sql::database& db, std::string_view id);
// A project's volumes (all for an empty project).
// `name` empty: any name.
std::vector<volume> list_volumes(sql::database& db, std::string_view project_id, std::string_view marker, int limit,
                                 std::string_view name = {});
std::vector<volume> volumes_of_vm(sql::database& db, std::string_view vm_id);
void delete_volume(sql::database& db, std::string_view id);
// Makes the VM's volumes available again (the VM is going away).
void detach_all_volumes(sql::database& db, std::string_view vm_id, std::string_view now);

// The project's volumes and volume_gb (volumes and their snapshots), for its quota.
std::map<std::string, std::int64_t> volume_quota_usage(sql::database& db, std::string_view project_id);
// Whether the project owns a volume (its snapshots go with it): a project that does cannot be deleted.
bool project_has_volumes(sql::database& db, std::string_view project_id);

// Whether a volume or a volume snapshot without a file yet will still be made from the image.
bool image_needed_by_volumes(sql::database& db, std::string_view image_id);

// volume snapshots
void insert_volume_snapshot(sql::database& db, const volume_snapshot& s);
std::optional<volume_snapshot> find_volume_snapshot(sql::database& db, std::string_view id);
std::vector<volume_snapshot> volume_snapshots_of(sql::database& db, std::string_view volume_id);
void delete_volume_snapshot(sql::database& db, std::string_view id);

// Which images a host's pool holds (the cache), by host.
struct cached_image {
    std::string host_id, image_id, path, last_used;
};
void record_cached_image(sql::database& db, const cached_image& c);
std::optional<cached_image> find_cached_image(sql::database& db, std::string_view host_id, std::string_view image_id);
// The hosts with a complete copy of the image recorded (with a shared pool: hosts using the one copy).
std::vector<std::string> hosts_caching(sql::database& db, std::string_view image_id);
// Every image the host's pool holds, least recently used first.
std::vector<cached_image> cached_images_on(sql::database& db, std::string_view host_id);
void forget_cached_image(sql::database& db, std::string_view host_id, std::string_view image_id);
// After a VM moved between hosts sharing one pool: its volumes are reached through the target now,
// and the target holds (shares) the cached images it boots from.
void move_vm_storage(sql::database& db, std::string_view vm_id, const std::vector<std::string>& image_ids,
                     std::string_view source, std::string_view target, std::string_view now);

}  // namespace kumo::repo
