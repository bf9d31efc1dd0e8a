// String forms of the VM's status and task state.
#include "kumo/core/enum_names.hpp"
#include "vm.hpp"

namespace kumo {
namespace {

constexpr std::array<std::pair<vm_status, const char*>, 6> vm_status_names{{
    {vm_status::building, "building"},
    {vm_status::active, "active"},
    {vm_status::stopped, "stopped"},
    {vm_status::suspended, "suspended"},
    {vm_status::error, "error"},
    {vm_status::deleting, "deleting"},
}};

constexpr std::array<std::pair<vm_task, const char*>, 10> vm_task_names{{
    {vm_task::none, ""},
    {vm_task::scheduling, "scheduling"},
    {vm_task::spawning, "spawning"},
    {vm_task::starting, "starting"},
    {vm_task::stopping, "stopping"},
    {vm_task::rebooting, "rebooting"},
    {vm_task::suspending, "suspending"},
    {vm_task::resuming, "resuming"},
    {vm_task::migrating, "migrating"},
    {vm_task::deleting, "deleting"},
}};

}  // namespace

const char* to_string(vm_status s) {
    return name_in(vm_status_names, s);
}
const char* to_string(vm_task t) {
    return name_in(vm_task_names, t);
}
std::optional<vm_status> parse_vm_status(std::string_view s) {
    return parse_in(vm_status_names, s);
}
std::optional<vm_task> parse_vm_task(std::string_view s) {
    return parse_in(vm_task_names, s);
}

}  // namespace kumo
