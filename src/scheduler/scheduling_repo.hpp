#pragma once
// Repositories of the scheduler: claims, server groups, aggregates. Same rules as repos.hpp.
#include "kumo/model/scheduling.hpp"
#include "kumo/store/database.hpp"

#include <map>
#include <optional>
#include <vector>

namespace kumo::repo {

struct list_query;

// claims
void insert_claim(sql::database& db, std::string_view vm_id, std::string_view host_id, const claim_usage& c,
                  std::string_view now);
// Releases every claim of the VM (failed build), or only the one on `host_id` (after a migration).
void release_claims(sql::database& db, std::string_view vm_id, std::string_view host_id = {});
// Claimed resources per host id.
// Every claim on a host (a host being removed).
void release_claims_on_host(sql::database& db, std::string_view host_id);
std::map<std::string, claim_usage> claims_by_host(sql::database& db);

// server groups (q.project_id filters; members filled)
void insert_server_group(sql::database& db, const server_group& g);
std::optional<server_group> find_server_group(sql::database& db, std::string_view id);
std::vector<server_group> list_server_groups(sql::database& db, const list_query& q);
bool delete_server_group(sql::database& db, std::string_view id);
// Host id -> how many of the group's VMs are placed there.
std::map<std::string, int> server_group_hosts(sql::database& db, std::string_view group_id);

// aggregates (hosts filled)
void insert_aggregate(sql::database& db, const aggregate& a);
void update_aggregate(sql::database& db, const aggregate& a);
std::optional<aggregate> find_aggregate(sql::database& db, std::string_view id);
std::vector<aggregate> list_aggregates(sql::database& db, const list_query& q);
bool delete_aggregate(sql::database& db, std::string_view id);
bool add_aggregate_host(sql::database& db, std::string_view aggregate_id, std::string_view host_id);
bool remove_aggregate_host(sql::database& db, std::string_view aggregate_id, std::string_view host_id);
// Every aggregate with its hosts (the scheduler's view).
std::vector<aggregate> all_aggregates(sql::database& db);

}  // namespace kumo::repo
