// String forms of model enums; one table per enum so parse and print cannot disagree.
#include "kumo/model/host.hpp"
#include "kumo/model/image.hpp"
#include "kumo/model/operation.hpp"
#include "kumo/model/vm.hpp"

#include <array>
#include <utility>

namespace kumo {
namespace {

template <class E, std::size_t N>
const char* name_of(const std::array<std::pair<E, const char*>, N>& table, E v) {
    for (const auto& [e, n] : table)
        if (e == v)
            return n;
    return "unknown";
}

template <class E, std::size_t N>
std::optional<E> parse_in(const std::array<std::pair<E, const char*>, N>& table, std::string_view s) {
    for (const auto& [e, n] : table)
        if (s == n)
            return e;
    return std::nullopt;
}

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

constexpr std::array<std::pair<power_state, const char*>, 8> power_names{{
    {power_state::unknown, "unknown"},
    {power_state::running, "running"},
    {power_state::paused, "paused"},
    {power_state::shutdown, "shutdown"},
    {power_state::shutoff, "shutoff"},
    {power_state::crashed, "crashed"},
    {power_state::suspended_to_ram, "pmsuspended"},
    {power_state::missing, "missing"},
}};

constexpr std::array<std::pair<op_status, const char*>, 5> op_status_names{{
    {op_status::pending, "pending"},
    {op_status::running, "running"},
    {op_status::succeeded, "succeeded"},
    {op_status::failed, "failed"},
    {op_status::cancelled, "cancelled"},
}};

constexpr std::array<std::pair<image_status, const char*>, 4> image_status_names{{
    {image_status::queued, "queued"},
    {image_status::saving, "saving"},
    {image_status::active, "active"},
    {image_status::killed, "killed"},
}};

}  // namespace

const char* to_string(image_status s) {
    return name_of(image_status_names, s);
}
std::optional<image_status> parse_image_status(std::string_view s) {
    return parse_in(image_status_names, s);
}
bool is_known_disk_format(std::string_view f) {
    for (const char* known : {"qcow2", "raw", "vmdk", "vdi", "vhd", "vhdx", "iso", "aki", "ari"})
        if (f == known)
            return true;
    return false;
}

const char* to_string(host_status s) {
    return s == host_status::up ? "up" : "down";
}
const char* to_string(vm_status s) {
    return name_of(vm_status_names, s);
}
const char* to_string(vm_task t) {
    return name_of(vm_task_names, t);
}
const char* to_string(power_state p) {
    return name_of(power_names, p);
}
const char* to_string(op_status s) {
    return name_of(op_status_names, s);
}
std::optional<vm_status> parse_vm_status(std::string_view s) {
    return parse_in(vm_status_names, s);
}
std::optional<vm_task> parse_vm_task(std::string_view s) {
    return parse_in(vm_task_names, s);
}
std::optional<power_state> parse_power_state(std::string_view s) {
    return parse_in(power_names, s);
}
std::optional<op_status> parse_op_status(std::string_view s) {
    return parse_in(op_status_names, s);
}

}  // namespace kumo
