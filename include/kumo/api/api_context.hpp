#pragma once
// What the API layer may use: the services, nothing below them.
#include "authentication.hpp"
#include "compute.hpp"
#include "directory.hpp"
#include "kumo/core/config.hpp"
#include "kumo/host/host_registry.hpp"
#include "kumo/image/image_store.hpp"
#include "kumo/operations/event_bus.hpp"
#include "kumo/operations/operations.hpp"
#include "kumo/storage/volumes.hpp"
#include "kumo/store/store.hpp"
#include "mobility.hpp"
#include "vm_snapshots.hpp"

namespace kumo {

struct api_context {
    const config& cfg;
    store& db;
    event_bus& bus;
    identity& ids;
    directory& dir;
    host_registry& hosts;
    compute& vms;
    mobility& moves;
    operations& ops;
    image_store& images;
    volume_service& volumes;
    snapshot_service& snapshots;
    std::string web_dir;
};

}  // namespace kumo
