#pragma once
// The compute module's tables: flavors, VMs, key pairs and VM snapshots. Runs on the store thread with
// its database (see kumo/store/database.hpp): lookups return std::optional; writes throw sql_error
// (turned into kumo::error by the transaction).
#include "flavor.hpp"
#include "kumo/store/database.hpp"
#include "kumo/store/list_query.hpp"
#include "vm.hpp"

#include <map>
#include <optional>
#include <set>
#include <vector>

namespace kumo::repo {

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

// The project's instances, vcpus, ram_mb and disk_gb (root and ephemeral disks), for its quota.
std::map<std::string, std::int64_t> vm_quota_usage(sql::database& db, std::string_view project_id);
bool project_has_vms(sql::database& db, std::string_view project_id);
// "VMs" when the user created VMs that still exist.
std::optional<std::string> vms_of_user(sql::database& db, std::string_view user_id);
// Whether a VM boots from the image (root disk, kernel or ramdisk).
bool image_used_by_vms(sql::database& db, std::string_view image_id);
// The VMs that name the server group, oldest first.
std::vector<std::string> server_group_members(sql::database& db, std::string_view group_id);
// Whether the VM is gone, or stopped with no task running: its disks' data does not change.
bool vm_leaves_disks_alone(sql::database& db, std::string_view vm_id);
// The images the VMs on a host boot from: what its image cache must keep.
std::set<std::string> images_used_on_host(sql::database& db, std::string_view host_id);

// VM snapshots
void insert_vm_snapshot(sql::database& db, const vm_snapshot& s);
std::optional<vm_snapshot> find_vm_snapshot(sql::database& db, std::string_view id);
std::vector<vm_snapshot> vm_snapshots_of(sql::database& db, std::string_view vm_id);
void delete_vm_snapshot(sql::database& db, std::string_view id);

// key pairs, per user
void insert_keypair(sql::database& db, const keypair& k);
std::optional<keypair> find_keypair(sql::database& db, std::string_view user_id, std::string_view name);
std::vector<keypair> list_keypairs(sql::database& db, std::string_view user_id);
bool delete_keypair(sql::database& db, std::string_view user_id, std::string_view name);

}  // namespace kumo::repo
