#pragma once
// The API's JSON form of each resource, shared by responses and events so they cannot disagree.
// Secrets (password hashes, VNC passwords) are never part of a view.
#include "kumo/core/json.hpp"
#include "kumo/model/flavor.hpp"
#include "kumo/model/host.hpp"
#include "kumo/model/operation.hpp"
#include "kumo/model/vm.hpp"

#include <vector>

namespace kumo {

json host_view(const host& h, const std::vector<std::string>& unknown_domains);
json flavor_view(const flavor& f);
json vm_view(const vm& v);
json operation_view(const operation& op);

}  // namespace kumo
