#pragma once
// Moving VMs between hosts: live and cold migration, maintenance mode (empty a host), and removing a
// host. Core thread. A migration is recorded (task lock, a claim on the target, the operation) in one
// transaction; the source keeps its claim until the move is done, so both hosts hold the VM's
// resources while it moves, and a failure releases only the target's.
#include "compute.hpp"

namespace kumo {

struct migrate_request {
    std::string host_id;               // target; empty: the scheduler chooses
    std::optional<bool> live;          // default: live when the VM runs, cold when it is stopped
    std::int64_t max_downtime_ms = 0;  // 0: config migration_max_downtime_ms
    std::int64_t bandwidth_mib_s = 0;  // 0: unlimited
};

class mobility {
public:
    mobility(asio::io_context& core, store& db, event_bus& bus, host_registry& hosts, operations& ops, compute& vms,
             vm_disks& disks, const placement& placer, const config& cfg)
        : core_(core),
          store_(db),
          bus_(bus),
          hosts_(hosts),
          ops_(ops),
          vms_(vms),
          disks_(disks),
          placement_(placer),
          cfg_(cfg) {}

    // Errors: not_found, operation_in_progress, conflict (state), validation_failed (host_id),
    // no_valid_host (detail: the scheduler's summary).
    awaitable<result<vm_with_operation>> migrate(const principal& who, std::string vm_id, migrate_request req);
    // Sets the host in maintenance (no new VMs) and starts moving every VM off it, one at a time.
    // Errors: not_found, operation_in_progress (already emptying).
    awaitable<result<operation>> enter_maintenance(const principal& who, std::string host_id);
    // Errors: not_found, operation_in_progress (still emptying).
    awaitable<result<void>> end_maintenance(std::string host_id);
    // Deletes a host without VMs. `force`: also when VMs are still recorded on it, provided none of
    // them exists there (checked when the host answers; a host that is down is taken as gone): they
    // are left in error without a host. Errors: not_found, conflict.
    awaitable<result<void>> remove_host(std::string host_id, bool force);
    // After a restart: settles a migration the previous daemon left unfinished.
    void resume(operation op, std::optional<vm> v);

private:
    struct plan {
        vm v;
        std::string source, target;
        std::string target_address;  // tcp://host for QEMU's memory stream
        bool live = true;
        std::int64_t max_downtime_ms = 0, bandwidth_mib_s = 0;
        bool copy_storage = false;    // disks on the hosts' local pools: copied along
        bool shared_storage = false;  // disks on shared pools: nothing to copy
    };
    static plan plan_of(const operation& op, const vm& v);
    // The migration's transaction (store thread): the VM's state and disks checked, the target chosen and
    // claimed, the task lock taken, the operation stored with its plan.
    result<void> record_migration(sql::database& db, const principal& who, const std::string& vm_id,
                                  const migrate_request& req, const std::set<std::string>& up, vm& v,
                                  operation& op) const;
    op_task migration_task(plan p);
    awaitable<result<void>> live_move(op_context& ctx, plan p);
    awaitable<result<void>> cold_move(plan p, std::vector<volume> volumes);
    // The target gets the VM's files (and its `volumes`) before their data is copied (see
    // vm_disks::prepare_copy_target). On failure nothing is left on the target.
    awaitable<result<void>> copy_target_ready(const plan& p, const std::vector<volume>& volumes);
    struct live_run;
    awaitable<void> perform(std::shared_ptr<live_run> run, plan p);
    awaitable<void> poll_progress(op_context& ctx, const plan& p);
    // Where the domain is after an attempt: moved (only on the target) or not; leftovers on the
    // target are removed when the source still has the VM.
    awaitable<bool> settle_location(const plan& p);
    awaitable<void> finish(plan p, bool moved, const std::string& fault);
    op_task maintenance_task(std::string host_id, principal who);

    asio::io_context& core_;
    store& store_;
    event_bus& bus_;
    host_registry& hosts_;
    operations& ops_;
    compute& vms_;
    vm_disks& disks_;
    const placement& placement_;
    const config& cfg_;
    std::map<std::string, std::string> emptying_;  // host id -> maintenance operation id
};

}  // namespace kumo
