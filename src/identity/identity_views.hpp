#pragma once
// The API's JSON form of each resource, shared by responses and events so they cannot disagree.
// Secrets (password hashes, VNC passwords) are never part of a view.
#include "kumo/core/json.hpp"
#include "kumo/domain/scheduler.hpp"
#include "kumo/model/audit.hpp"
#include "kumo/model/flavor.hpp"
#include "kumo/model/host.hpp"
#include "kumo/model/identity.hpp"
#include "kumo/model/operation.hpp"
#include "kumo/model/scheduling.hpp"
#include "kumo/model/vm.hpp"

#include <vector>

namespace kumo {

json host_view(const host& h, const std::vector<std::string>& unknown_domains);
// The scheduler's view of a host: overrides as set, effective values, capacity and claims.
json host_scheduling_view(const host& h, const host_state& s);
json server_group_view(const server_group& g);
json aggregate_view(const aggregate& a);
// `with_hosts`: the per-host verdicts (administrators); otherwise only the summary, no host names.
json decision_view(const placement_decision& d, bool with_hosts);
json flavor_view(const flavor& f);
json vm_view(const vm& v);
json operation_view(const operation& op);
json domain_view(const domain& d);
json project_view(const project& p);
json user_view(const user& u);
json group_view(const group& g);
json role_view(const role& r);
json assignment_view(const role_assignment& a);
json app_credential_view(const app_credential& c);
json audit_view(const audit_entry& e);
json principal_view(const principal& w);

}  // namespace kumo
