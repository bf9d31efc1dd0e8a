#pragma once
// The operations table. Runs on the store thread (see kumo/store/database.hpp); callers insert an
// operation in the same transaction as the change it carries out.
#include "kumo/operations/operation.hpp"
#include "kumo/store/database.hpp"
#include "kumo/store/list_query.hpp"

#include <optional>
#include <vector>

namespace kumo::repo {

void insert_operation(sql::database& db, const operation& op);
void update_operation(sql::database& db, const operation& op);
// What a running operation reports while it runs (percentage and details); ignored once it ended.
void update_operation_progress(sql::database& db, std::string_view id, int progress, const json& details,
                               std::string_view now);
std::optional<operation> find_operation(sql::database& db, std::string_view id);
std::vector<operation> list_operations(sql::database& db, const list_query& q);
std::vector<operation> unfinished_operations(sql::database& db);

}  // namespace kumo::repo
