#pragma once
// What the API layer may use: the services, nothing below them.
#include "kumo/core/config.hpp"
#include "kumo/services/compute.hpp"
#include "kumo/services/directory.hpp"
#include "kumo/services/event_bus.hpp"
#include "kumo/services/host_registry.hpp"
#include "kumo/services/identity.hpp"
#include "kumo/services/image_store.hpp"
#include "kumo/services/mobility.hpp"
#include "kumo/services/operations.hpp"
#include "kumo/services/store.hpp"
#include "kumo/services/vm_snapshots.hpp"
#include "kumo/services/volumes.hpp"

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
