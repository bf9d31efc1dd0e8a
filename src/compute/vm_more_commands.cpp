// kumo vm snapshot|snapshots|snapshot-delete|revert, clone, create-image and console-log.
#include "compute_commands.hpp"

#include <fmt/format.h>

namespace kumo::cli {
namespace {

const std::vector<column> snapshot_cols{
    {"ID", "id"}, {"NAME", "name"}, {"MEMORY", "memory"}, {"STATUS", "status"}, {"CREATED", "created_at"}};

// The VM's path, or nullopt (reported) when the name does not resolve.
std::optional<std::string> vm_path(cmd_env& e) {
    auto id = resolve(e, "vms", e.args.positional[2]);
    return id ? std::optional("/api/v1/vms/" + *id) : std::nullopt;
}

int snapshot_create(cmd_env& e) {
    auto vm = vm_path(e);
    json body{{"name", e.args.positional[3]}};
    if (e.args.flag("memory"))
        body["memory"] = true;
    return print_reply(e, vm ? call(e, "POST", *vm + "/snapshots", body) : std::nullopt);
}

int snapshot_list(cmd_env& e) {
    auto vm = vm_path(e);
    return vm ? list_reply(e, *vm + "/snapshots", snapshot_cols) : 1;
}

// revert and delete name a snapshot of the VM.
int on_snapshot(cmd_env& e, bool revert) {
    auto vm = vm_path(e);
    auto snap =
        vm ? resolve(e, vm->substr(std::string("/api/v1/").size()) + "/snapshots", e.args.positional[3]) : std::nullopt;
    if (!snap)
        return 1;
    const std::string path = *vm + "/snapshots/" + *snap;
    if (!revert)
        return delete_reply(e, path, *snap);
    auto r = call(e, "POST", path + "/actions/revert", json::object());
    return print_reply(e, r);
}

int clone_vm(cmd_env& e) {
    auto vm = vm_path(e);
    auto r = vm ? call(e, "POST", *vm + "/actions/clone", json{{"name", e.args.positional[3]}}) : std::nullopt;
    return r ? accepted_reply(e, *r, "vm") : 1;
}

int create_image(cmd_env& e) {
    auto vm = vm_path(e);
    return print_reply(
        e, vm ? call(e, "POST", *vm + "/actions/create-image", json{{"name", e.args.positional[3]}}) : std::nullopt);
}

int console_log(cmd_env& e) {
    auto vm = vm_path(e);
    if (!vm)
        return 1;
    std::string path = *vm + "/console-log";
    if (auto n = e.args.integer("length"))
        path += "?length=" + std::to_string(*n);
    auto r = call(e, "GET", path);
    if (!r)
        return 1;
    const std::string text = r->is_object() && r->contains("raw") ? (*r)["raw"].get<std::string>() : std::string();
    if (e.as_json())
        fmt::print("{}\n", json{{"console_log", text}}.dump(2));
    else
        fmt::print("{}", text);
    return 0;
}

}  // namespace

std::vector<verb_spec> vm_more_verbs() {
    return {
        {"snapshot",
         "take a snapshot of the VM",
         {"VM", "NAME"},
         {opt_flag("memory", "include the memory (a running VM)")},
         snapshot_create},
        {"snapshots", "list the VM's snapshots", {"VM"}, {}, snapshot_list},
        {"snapshot-delete",
         "delete a VM snapshot",
         {"VM", "SNAPSHOT"},
         {},
         [](cmd_env& e) { return on_snapshot(e, false); }},
        {"revert",
         "revert the VM to a snapshot",
         {"VM", "SNAPSHOT"},
         {},
         [](cmd_env& e) { return on_snapshot(e, true); }},
        {"clone", "create a copy of the VM", {"VM", "NAME"}, {}, clone_vm, true},
        {"create-image", "save the VM's root disk as an image", {"VM", "NAME"}, {}, create_image},
        {"console-log",
         "print the VM's serial console output",
         {"VM"},
         {opt_integer("length", "last N bytes (default 65536)", 1, 1 << 20)},
         console_log},
    };
}

}  // namespace kumo::cli
