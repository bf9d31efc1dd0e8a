#pragma once
// The hosts table. Runs on the store thread with its database (see kumo/store/database.hpp):
// lookups return std::optional; writes throw sql_error (turned into kumo::error by the transaction).
#include "kumo/host/host.hpp"
#include "kumo/store/database.hpp"
#include "kumo/store/list_query.hpp"

#include <optional>
#include <vector>

namespace kumo::repo {

void insert_host(sql::database& db, const host& h);
// What the host reports (status, inventory); never the administrator's settings.
void update_host(sql::database& db, const host& h);
// The administrator's settings: enabled, maintenance, overrides.
void update_host_settings(sql::database& db, const host& h);
// A re-pinned SSH host key ("type base64"), set only by an administrator's explicit trust action.
void update_host_key(sql::database& db, std::string_view id, std::string_view key, std::string_view now);
// The host row only: callers first move or release what refers to it (VMs, claims).
void delete_host(sql::database& db, std::string_view id);
std::optional<host> find_host(sql::database& db, std::string_view id);
std::vector<host> list_hosts(sql::database& db, const list_query& q);
std::vector<host> all_hosts(sql::database& db);

}  // namespace kumo::repo
