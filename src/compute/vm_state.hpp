#pragma once
// The VM state machine: which actions are allowed in which state, and what a hypervisor power state
// means for the VM's status. Pure: no I/O.
#include "kumo/core/error.hpp"
#include "vm.hpp"

#include <optional>
#include <string_view>

namespace kumo {

enum class vm_action { start, stop, reboot, suspend, resume, del };

std::optional<vm_action> parse_vm_action(std::string_view s);
const char* to_string(vm_action a);
// The operation kind, e.g. "vm.start".
std::string operation_kind(vm_action a);
// The task state the VM carries while the action runs.
vm_task task_for(vm_action a);

// Errors: operation_in_progress when another task runs; conflict when the status forbids the action.
result<void> check_action_allowed(const vm& v, vm_action a);

// The status the VM settles in after the action succeeded.
vm_status status_after(vm_action a);

// The status implied by what the hypervisor reports, for events and reconciliation.
// A VM with a task in progress keeps its status: the task decides when it finishes.
vm_status status_from_power(power_state p);

}  // namespace kumo
