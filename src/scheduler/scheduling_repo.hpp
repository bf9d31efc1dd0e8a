#pragma once
// The scheduler's tables: server groups and host aggregates. Runs on the store thread (see
// kumo/store/database.hpp).
#include "kumo/scheduler/scheduling.hpp"
#include "kumo/store/database.hpp"
#include "kumo/store/list_query.hpp"

#include <map>
#include <optional>
#include <vector>

namespace kumo::repo {

// server groups (q.project_id filters; members are the compute module's: see placement::members_of)
void insert_server_group(sql::database& db, const server_group& g);
std::optional<server_group> find_server_group(sql::database& db, std::string_view id);
std::vector<server_group> list_server_groups(sql::database& db, const list_query& q);
bool delete_server_group(sql::database& db, std::string_view id);

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
