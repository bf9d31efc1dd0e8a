#pragma once
// Repository functions: the only place with SQL. All run on the store thread with its database.
// Lookups return std::optional; writes throw sql_error (turned into kumo::error by transaction()).
#include "kumo/model/flavor.hpp"
#include "kumo/model/host.hpp"
#include "kumo/model/identity.hpp"
#include "kumo/model/operation.hpp"
#include "kumo/model/vm.hpp"
#include "kumo/store/database.hpp"
#include "kumo/store/identity_repos.hpp"
#include "kumo/store/scheduling_repos.hpp"

#include <optional>
#include <vector>

namespace kumo::repo {

// Equality filters and keyset pagination shared by list calls; empty string = no filter.
struct list_query {
    int limit = 100;
    std::string marker;  // id of the last item of the previous page
    std::string name, status, host_id, project_id;
    std::string domain_id, id;  // identity lists: filter by domain; by one id (a caller sees only that one)
};

// hosts
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

// flavors
void insert_flavor(sql::database& db, const flavor& f);
std::optional<flavor> find_flavor(sql::database& db, std::string_view id);
std::vector<flavor> list_flavors(sql::database& db, const list_query& q);
bool delete_flavor(sql::database& db, std::string_view id);
bool flavor_in_use(sql::database& db, std::string_view id);

// vms
void insert_vm(sql::database& db, const vm& v);
void update_vm(sql::database& db, const vm& v);
bool delete_vm(sql::database& db, std::string_view id);
std::optional<vm> find_vm(sql::database& db, std::string_view id);
std::vector<vm> list_vms(sql::database& db, const list_query& q);
std::vector<vm> vms_on_host(sql::database& db, std::string_view host_id);
// Records what the hypervisor reports. Status and fault change only while no task owns the VM, decided
// in the same statement, so an observation can never undo a task's result or clear its lock.
// Returns false when the VM does not exist.
bool record_power(sql::database& db, std::string_view id, power_state power, vm_status idle_status,
                  std::string_view idle_fault, std::string_view now);
// Sets task_state only when none is set: the per-VM lock. Returns false when another task holds it.
bool claim_vm_task(sql::database& db, std::string_view id, vm_task task, std::string_view now);

// operations
void insert_operation(sql::database& db, const operation& op);
void update_operation(sql::database& db, const operation& op);
// What a running operation reports while it runs (percentage and details); ignored once it ended.
void update_operation_progress(sql::database& db, std::string_view id, int progress, const json& details,
                               std::string_view now);
std::optional<operation> find_operation(sql::database& db, std::string_view id);
std::vector<operation> list_operations(sql::database& db, const list_query& q);
std::vector<operation> unfinished_operations(sql::database& db);

}  // namespace kumo::repo
