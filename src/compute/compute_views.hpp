#pragma once
// The API's JSON form of the compute module's resources, shared by responses and events. Secrets (VNC
// passwords) are never part of a view.
#include "flavor.hpp"
#include "kumo/core/json.hpp"
#include "vm.hpp"

namespace kumo {

json flavor_view(const flavor& f);
json vm_view(const vm& v);
json keypair_view(const keypair& k);
json vm_snapshot_view(const vm_snapshot& s);

}  // namespace kumo
