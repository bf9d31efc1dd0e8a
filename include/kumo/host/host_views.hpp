#pragma once
// The API's JSON form of a host, shared by responses and events.
#include "kumo/core/json.hpp"
#include "kumo/host/host.hpp"
#include "kumo/scheduler/scheduler.hpp"

#include <string>
#include <vector>

namespace kumo {

json host_view(const host& h, const std::vector<std::string>& unknown_domains);
// The scheduler's view of a host: overrides as set, effective values, capacity and claims.
json host_scheduling_view(const host& h, const host_state& s);

}  // namespace kumo
