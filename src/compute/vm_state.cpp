#include "vm_state.hpp"

#include <fmt/format.h>

namespace kumo {
namespace {

struct action_row {
    vm_action action;
    const char* name;
    vm_task task;
    vm_status after;
};

constexpr action_row actions[] = {
    {vm_action::start, "start", vm_task::starting, vm_status::active},
    {vm_action::stop, "stop", vm_task::stopping, vm_status::stopped},
    {vm_action::reboot, "reboot", vm_task::rebooting, vm_status::active},
    {vm_action::suspend, "suspend", vm_task::suspending, vm_status::suspended},
    {vm_action::resume, "resume", vm_task::resuming, vm_status::active},
    {vm_action::del, "delete", vm_task::deleting, vm_status::deleting},
};

const action_row& row(vm_action a) {
    for (const auto& r : actions)
        if (r.action == a)
            return r;
    KUMO_CHECK(false);
}

// The statuses from which each action may start.
bool allowed_from(vm_action a, vm_status s) {
    switch (a) {
        case vm_action::start: return s == vm_status::stopped;
        case vm_action::stop: return s == vm_status::active || s == vm_status::suspended;
        case vm_action::reboot: return s == vm_status::active;
        case vm_action::suspend: return s == vm_status::active;
        case vm_action::resume: return s == vm_status::suspended;
        case vm_action::del: return true;
    }
    return false;
}

}  // namespace

std::optional<vm_action> parse_vm_action(std::string_view s) {
    for (const auto& r : actions)
        if (s == r.name && r.action != vm_action::del)
            return r.action;
    return std::nullopt;
}

const char* to_string(vm_action a) {
    return row(a).name;
}
std::string operation_kind(vm_action a) {
    return fmt::format("vm.{}", row(a).name);
}
vm_task task_for(vm_action a) {
    return row(a).task;
}
vm_status status_after(vm_action a) {
    return row(a).after;
}

result<void> check_action_allowed(const vm& v, vm_action a) {
    if (v.task != vm_task::none)
        return make_error(errc::operation_in_progress,
                          fmt::format("vm {} is busy ({}); try again when it finishes", v.id, to_string(v.task)));
    if (!allowed_from(a, v.status))
        return make_error(errc::conflict,
                          fmt::format("cannot {} a vm whose status is {}", to_string(a), to_string(v.status)));
    return {};
}

vm_status status_from_power(power_state p) {
    switch (p) {
        case power_state::running: return vm_status::active;
        case power_state::paused:
        case power_state::suspended_to_ram: return vm_status::suspended;
        case power_state::shutdown:  // still shutting down: the guest runs until it is off
            return vm_status::active;
        case power_state::shutoff: return vm_status::stopped;
        case power_state::crashed:
        case power_state::missing:
        case power_state::unknown: return vm_status::error;
    }
    return vm_status::error;
}

}  // namespace kumo
