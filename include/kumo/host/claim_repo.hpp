#pragma once
// Claims: the resources held on a host for a VM, written in the transaction that places the VM and
// released when it is deleted, fails to build or leaves the host. The host's ledger: placement reads
// it, the host view shows it. Runs on the store thread (see kumo/store/database.hpp).
#include "kumo/host/host.hpp"
#include "kumo/store/database.hpp"

#include <map>
#include <string>
#include <vector>

namespace kumo::repo {

void insert_claim(sql::database& db, std::string_view vm_id, std::string_view host_id, const claim_usage& c,
                  std::string_view now);
// Releases every claim of the VM (failed build), or only the one on `host_id` (after a migration).
void release_claims(sql::database& db, std::string_view vm_id, std::string_view host_id = {});
// Every claim on a host (a host being removed).
void release_claims_on_host(sql::database& db, std::string_view host_id);
// Claimed resources per host id.
std::map<std::string, claim_usage> claims_by_host(sql::database& db);
// Host id -> how many of these VMs hold a claim there.
std::map<std::string, int> claim_hosts_of(sql::database& db, const std::vector<std::string>& vm_ids);

}  // namespace kumo::repo
