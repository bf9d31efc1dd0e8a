#pragma once
// VMs: create, actions, delete, and keeping the database in step with the hosts. Core thread.
// A request is validated and recorded (VM row, per-VM task lock, operation) in one transaction before
// anything touches a host, so an acknowledged request survives a crash and is resumed on restart.
#include "flavor.hpp"
#include "kumo/host/host_registry.hpp"
#include "kumo/identity/model.hpp"
#include "kumo/identity/project_resources.hpp"
#include "kumo/operations/operations.hpp"
#include "kumo/scheduler/placement.hpp"
#include "kumo/store/list_query.hpp"
#include "vm_disks.hpp"
#include "vm_repo.hpp"
#include "vm_state.hpp"

namespace kumo {

struct create_vm_request {
    std::string name;
    std::string flavor_id;
    std::string host_id;  // admin only; empty: the scheduler decides
    std::string availability_zone;
    std::string server_group_id;
    std::string image_id;   // empty: a diskless VM (network boot)
    std::string key_name;   // one of the caller's key pairs, handed to the guest
    std::string user_data;  // handed to the guest's cloud-init as is
    std::string clone_of;   // set by clone() only: the VM whose root disk is copied (pins the host)
};

// What an image needs of the flavor a VM is made in.
struct image_needs {
    std::int64_t virtual_size = 0;
    int min_disk_gb = 0, min_ram_mb = 0;
};

struct action_options {
    bool force = false;  // stop: power off without waiting for the guest
    bool hard = false;   // reboot: reset instead of asking the guest
};

struct vm_with_operation {
    vm v;
    operation op;
};

class compute {
public:
    compute(asio::io_context& core, store& db, event_bus& bus, host_registry& hosts, operations& ops,
            image_store& images, vm_disks& disks, const project_resources& resources, const placement& placer,
            const config& cfg)
        : core_(core),
          store_(db),
          bus_(bus),
          hosts_(hosts),
          ops_(ops),
          images_(images),
          storage_(disks),
          resources_(resources),
          placement_(placer),
          cfg_(cfg) {}

    // Places the VM and records its claim, the VM row and the operation in one transaction.
    // Errors: validation_failed (flavor_id, host_id, availability_zone, server_group_id, image_id, key_name),
    // forbidden
    // (host_id by a non-admin), quota_exceeded, no_valid_host (detail: the scheduler's summary).
    awaitable<result<vm_with_operation>> create(const principal& who, create_vm_request req);
    // A new VM like a stopped one (flavor, image, boot, keys, user-data), on the same host, whose root
    // disk starts as a full copy of the source's (Proxmox's full clone); it gets its own config drive
    // (new instance id and hostname), a blank ephemeral disk, no volumes. Errors: not_found, conflict
    // (not stopped, no root disk), quota_exceeded, no_valid_host (the host is full).
    awaitable<result<vm_with_operation>> clone(const principal& who, const std::string& vm_id, std::string name);
    // The scheduler's full verdict for such a request, creating nothing. Same errors, except
    // no_valid_host and quota_exceeded: the decision is the answer.
    awaitable<result<placement_decision>> explain(const principal& who, create_vm_request req);
    // Errors: not_found (also for another project's VM), operation_in_progress, conflict.
    awaitable<result<vm_with_operation>> act(const principal& who, const std::string& id, vm_action a,
                                             action_options opts);
    awaitable<result<vm>> get(const principal& who, const std::string& id);
    // The end of the VM's serial console log. Errors: not_found.
    awaitable<result<std::string>> console_log(const principal& who, const std::string& id, std::size_t max_bytes);
    awaitable<result<std::vector<vm>>> list(const principal& who, repo::list_query q);

    // Host hooks (see host_registry).
    awaitable<void> on_host_connected(const std::string& host_id);
    awaitable<void> on_domain_event(const std::string& host_id, const std::string& uuid);
    // Compares every up host's domains with the database.
    awaitable<void> reconcile_all();
    // Re-runs the operations a previous daemon left pending or running (migrations: see mobility).
    awaitable<void> resume_unfinished();

    // The domain definition Kumo writes for `v` on a host of `virt_type`.
    std::string domain_xml(const vm& v, const std::string& virt_type) const;
    std::string virt_type_of(const std::string& host_id) const;
    // Stores `v` (updated_at set now) and publishes the change.
    awaitable<void> save_vm(vm v);
    // After a task on a VM crashed (threw): its lock released; a build that crashed ends in error with
    // its claim released.
    awaitable<void> release_crashed(const operation& op);
    awaitable<result<power_state>> power_of(const vm& v);
    std::set<std::string> up_hosts() const;
    // The up hosts a VM may go to: for a VM with disks from an image, only hosts with storage.
    // Errors: conflict (only simulated hosts are up).
    result<std::set<std::string>> hosts_for(const vm& v) const;
    void set_migration_resumer(std::function<void(operation, std::optional<vm>)> f) {
        resume_migration_ = std::move(f);
    }

private:
    op_task create_task(vm v);
    // The inputs every placement of this request shares; checks who may ask for what.
    result<placement_input> placement_for(const principal& who, const create_vm_request& req) const;
    // A build that failed: the VM stays (in error) for the user to inspect, its claim is released.
    awaitable<void> fail_build(vm v);
    op_task action_task(vm v, vm_action a, action_options opts);
    // What booting from `req.image_id` adds to the VM (boot data; keys are copied in the transaction),
    // and what the image needs of the flavor.
    awaitable<result<void>> apply_image(const principal& who, const create_vm_request& req, vm& v, image_needs& needs);
    // The VM a create request describes (image, clone source, names, ids), not yet checked against the
    // database. Errors: as apply_image and get.
    awaitable<result<void>> new_vm_of(const principal& who, const create_vm_request& req, vm& v, image_needs& needs);
    // What the create and its dry run share before the database: the placement request, the VM, what
    // its image needs, and the hosts it may go to. Errors: as placement_for, new_vm_of and hosts_for.
    struct new_vm_plan {
        placement_input in;
        vm v;
        image_needs needs;
        std::set<std::string> up;
    };
    awaitable<result<new_vm_plan>> plan_new_vm(const principal& who, const create_vm_request& req);
    // The checks of a new VM inside a transaction: flavor (and its fit with the image), key pair, quota.
    result<flavor> check_new_vm(sql::database& db, vm& v, placement_input& in, const std::string& key_name,
                                const image_needs& needs) const;
    // The create's transaction (store thread): the flavor's sizes checked against the image, the key
    // copied, the quota checked, the host chosen; then the VM, its claim and its operation stored.
    result<void> record_new_vm(sql::database& db, vm& v, const operation& op, placement_input in,
                               const std::set<std::string>& up, const std::string& key_name,
                               const image_needs& needs) const;
    awaitable<result<void>> graceful_stop(op_context& ctx, const vm& v);
    awaitable<result<void>> run_action(op_context& ctx, const vm& v, vm_action a, action_options opts);
    awaitable<void> reconcile_host(const std::string& host_id);
    awaitable<void> restore_simulated(const std::string& host_id);
    // Records a power state the host reported (see repo::record_power) and publishes the change.
    awaitable<void> observe_power(std::string vm_id, power_state p);

    asio::io_context& core_;
    store& store_;
    event_bus& bus_;
    host_registry& hosts_;
    operations& ops_;
    image_store& images_;
    vm_disks& storage_;
    const project_resources& resources_;
    const placement& placement_;
    const config& cfg_;
    std::function<void(operation, std::optional<vm>)> resume_migration_;
};

}  // namespace kumo
