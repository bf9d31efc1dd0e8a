#pragma once
// The compute module's routes, one function per resource file, each given the services it uses.
#include "compute.hpp"
#include "flavors.hpp"
#include "kumo/host/host_directory.hpp"
#include "kumo/http/router.hpp"
#include "kumo/storage/volumes.hpp"
#include "mobility.hpp"
#include "vm_snapshots.hpp"
#include "vm_volumes.hpp"

namespace kumo::api {

struct compute_api {
    compute& vms;
    mobility& moves;
    snapshot_service& snapshots;
    flavor_service& flavors;
    keypair_service& keypairs;
    vm_volumes& attachments;
    host_directory& hosts;
    host_registry& registry;
};

void add_vm_routes(router& r, compute_api& x);        // routes_vms.cpp: VMs, their actions, console log, explain
void add_flavor_routes(router& r, compute_api& x);    // routes_flavors.cpp
void add_keypair_routes(router& r, compute_api& x);   // routes_keypairs.cpp
void add_mobility_routes(router& r, compute_api& x);  // routes_mobility.cpp: migration, maintenance, removal
void add_snapshot_routes(router& r, compute_api& x);  // routes_snapshots.cpp: VM snapshots, images, volumes

}  // namespace kumo::api
