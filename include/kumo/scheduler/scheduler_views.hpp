#pragma once
// The API's JSON form of server groups, aggregates and the scheduler's decisions.
#include "kumo/core/json.hpp"
#include "kumo/scheduler/scheduler.hpp"
#include "kumo/scheduler/scheduling.hpp"

namespace kumo {

json server_group_view(const server_group& g);
json aggregate_view(const aggregate& a);
// `with_hosts`: the per-host verdicts (administrators); otherwise only the summary, no host names.
json decision_view(const placement_decision& d, bool with_hosts);

}  // namespace kumo
