#pragma once
// Data volumes (Cinder's job, on the hosts' pools): create (blank, from an image, from a volume
// snapshot), extend, delete, snapshots, export as an image. A volume's file is made in its type's pool
// (see volume_place.hpp) on the host of the VM it is first attached to (a volume from a snapshot: at
// once, on the snapshot's host) and stays there: it can later attach only to VMs on that host, unless
// the pool is shared. Attaching is the compute module's (it reserves the volume with the functions of
// volume_repo.hpp and makes its file with materialize()). Core thread.
#include "kumo/core/config.hpp"
#include "kumo/host/host_registry.hpp"
#include "kumo/identity/model.hpp"
#include "kumo/identity/project_resources.hpp"
#include "kumo/image/image.hpp"
#include "kumo/image/image_store.hpp"
#include "kumo/operations/event_bus.hpp"
#include "kumo/storage/host_storage.hpp"
#include "kumo/storage/volume.hpp"
#include "kumo/storage/volume_place.hpp"

#include <functional>
#include <string_view>

namespace kumo {

struct volume_create_request {
    std::string name;
    std::optional<int> size_gb;  // default: the source's size; required for a blank volume
    std::string image_id;        // start with this image's disk (qcow2, raw, ...)
    std::string snapshot_id;     // or with this volume snapshot's data
    std::string volume_type;     // default: "default" (the main pool); from a snapshot: the snapshot's volume's
};

class volume_service {
public:
    volume_service(store& db, event_bus& bus, host_registry& hosts, image_store& images, host_storage& pools,
                   const project_resources& resources, const config& cfg)
        : store_(db), bus_(bus), hosts_(hosts), images_(images), pools_(pools), resources_(resources), cfg_(cfg) {}

    // Whether the VM a volume is attached to leaves its data alone (stopped, no task): snapshots and
    // exports need that. The compute module's answer; runs on the store thread, set at start-up.
    using vm_quiet = std::function<bool(sql::database&, std::string_view vm_id)>;
    void set_vm_quiet(vm_quiet f) { vm_quiet_ = std::move(f); }

    // Errors: forbidden (not project-scoped), quota_exceeded (volumes, volume_gb), validation_failed
    // (size_gb smaller than the source, image_id not a usable disk image, snapshot_id unknown, both
    // sources, volume_type unknown), host_unreachable (the snapshot's host).
    awaitable<result<volume>> create(const principal& who, volume_create_request req);
    awaitable<result<volume>> get(const principal& who, const std::string& id);
    awaitable<result<std::vector<volume>>> list(const principal& who, std::string marker, int limit,
                                                std::string name = {});
    // Errors: not_found, conflict (attached), host_unreachable (its host is down).
    awaitable<result<void>> remove(const principal& who, const std::string& id);
    // Grows a detached volume. Errors: not_found, conflict (attached), validation_failed (size_gb),
    // quota_exceeded.
    awaitable<result<volume>> extend(const principal& who, const std::string& id, int size_gb);
    // The volume's file on `host`, made from its source (blank, image) when it has none yet. Returns its
    // path. Errors: conflict (type no longer configured), host_unreachable, internal.
    awaitable<result<std::string>> materialize(volume v, std::string host_id);
    // Stores `v` (updated_at set now) and publishes the change ("created", "updated").
    awaitable<void> save(volume v, const char* action);

    // Snapshots: a full copy of the volume's file on its host. A volume attached to a running VM is
    // refused (its data is changing). Errors: not_found, conflict, quota_exceeded (volume_gb counts
    // snapshots too, as Cinder's gigabytes do), host_unreachable.
    awaitable<result<volume_snapshot>> create_snapshot(const principal& who, const std::string& volume_id,
                                                       std::string name);
    awaitable<result<std::vector<volume_snapshot>>> snapshots(const principal& who, const std::string& volume_id);
    awaitable<result<volume_snapshot>> snapshot(const principal& who, const std::string& volume_id,
                                                const std::string& id);
    awaitable<result<void>> remove_snapshot(const principal& who, const std::string& volume_id, const std::string& id);
    // A new private image (qcow2) of the volume's data, filled in the background. Errors: not_found,
    // conflict (attached to a running VM, no data yet), quota_exceeded (images), host_unreachable.
    awaitable<result<image>> export_image(const principal& who, const std::string& volume_id, std::string name);

private:
    // Where a new volume's data comes from: its smallest size, and for a snapshot with data where it is.
    struct volume_source {
        int min_gb = 1;
        std::string snapshot_host, snapshot_file, snapshot_pool;
    };
    awaitable<result<volume_source>> source_image(const principal& who, const std::string& image_id, volume& v);
    // `keep_type`: the request named a volume type; otherwise the snapshot's volume's type is taken.
    awaitable<result<volume_source>> source_snapshot(const principal& who, const std::string& snapshot_id,
                                                     bool keep_type, volume& v);
    // Copies the snapshot into the new volume's place on the snapshot's host; on failure nothing is left
    // (the volume's row is removed again).
    awaitable<result<void>> copy_snapshot(const volume& v, const volume_place& place, const volume_source& src);
    awaitable<result<volume_snapshot>> find_snapshot(const principal& who, const std::string& id);
    // Refuses volumes attached to a running VM. Errors: conflict.
    awaitable<result<void>> check_quiet(const volume& v, const char* what);

    store& store_;
    event_bus& bus_;
    host_registry& hosts_;
    image_store& images_;
    host_storage& pools_;
    const project_resources& resources_;
    const config& cfg_;
    vm_quiet vm_quiet_;
};

}  // namespace kumo
