#pragma once
// The API's JSON form of a host, shared by responses and events.
#include "kumo/core/json.hpp"
#include "kumo/host/capacity.hpp"
#include "kumo/host/host.hpp"

#include <string>
#include <vector>

namespace kumo {

json host_view(const host& h, const std::vector<std::string>& unknown_domains);
// How much the host holds: overrides as set, effective values, capacity and claims.
json host_scheduling_view(const host& h, const host_allocation& a, const claim_usage& used);

}  // namespace kumo
