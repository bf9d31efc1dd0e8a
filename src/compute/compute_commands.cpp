// kumo flavor and kumo vm (create, list, show, the lifecycle actions, delete).
#include "compute_commands.hpp"
#include "kumo/compute/commands.hpp"

#include <fmt/format.h>
#include <set>

namespace kumo {
namespace {

using namespace kumo::cli;

const std::vector<column> flavor_cols{
    {"ID", "id"}, {"NAME", "name"}, {"VCPUS", "vcpus"}, {"RAM_MB", "ram_mb"}, {"DISK_GB", "disk_gb"}};
const std::vector<column> vm_cols{{"ID", "id"},           {"NAME", "name"},         {"STATUS", "status"},
                                  {"TASK", "task_state"}, {"POWER", "power_state"}, {"HOST", "host_id"}};

int create_flavor(cmd_env& e) {
    json body{{"name", e.args.positional[2]}};
    try {
        body["vcpus"] = std::stoll(*e.args.get("vcpus"));
        body["ram_mb"] = std::stoll(*e.args.get("ram-mb"));
        if (auto d = e.args.get("disk-gb"))
            body["disk_gb"] = std::stoll(*d);
    } catch (const std::exception&) {
        return usage("--vcpus, --ram-mb and --disk-gb take integers");
    }
    auto s = e.args.get("extra-specs");
    auto specs = s ? parse_pairs(*s) : std::optional<json>(json::object());
    if (!specs)
        return usage("--extra-specs takes KEY=VALUE[,KEY=VALUE...]");
    body["extra_specs"] = *specs;
    return print_reply(e, call(e, "POST", "/api/v1/flavors", body));
}

int flavor_cmd(cmd_env& e, const std::string& verb) {
    const auto n = e.args.positional.size();
    if (verb == "create" && n == 3 && e.args.get("vcpus") && e.args.get("ram-mb"))
        return create_flavor(e);
    if (verb == "list" && n == 2)
        return list_reply(e, "/api/v1/flavors?limit=1000", flavor_cols);
    return -1;
}

// The create body from the options (names resolved to ids); nullopt when a name did not resolve.
std::optional<json> vm_create_body(cmd_env& e) {
    auto flavor = resolve(e, "flavors", *e.args.get("flavor"));
    if (!flavor)
        return std::nullopt;
    json body{{"name", e.args.positional[2]}, {"flavor_id", *flavor}};
    if (auto h = e.args.get("host")) {
        auto host = resolve(e, "hosts", *h);
        if (!host)
            return std::nullopt;
        body["host_id"] = *host;
    }
    if (auto z = e.args.get("availability-zone"))
        body["availability_zone"] = *z;
    if (auto g = e.args.get("server-group")) {
        auto group = resolve(e, "server-groups", *g);
        if (!group)
            return std::nullopt;
        body["server_group_id"] = *group;
    }
    return body;
}

int create_vm(cmd_env& e) {
    auto body = vm_create_body(e);
    if (!body)
        return 1;
    if (e.args.flag("dry-run"))
        return explain_cmd(e, *body);
    auto r = call(e, "POST", "/api/v1/vms", *body);
    return r ? accepted_reply(e, *r, "vm") : 1;
}

// show, delete and the actions on one VM.
int act_on_vm(cmd_env& e, const std::string& verb) {
    auto id = resolve(e, "vms", e.args.positional[2]);
    if (!id)
        return 1;
    if (verb == "show")
        return print_reply(e, call(e, "GET", "/api/v1/vms/" + *id));
    if (verb == "delete") {
        auto r = call(e, "DELETE", "/api/v1/vms/" + *id);
        return r ? accepted_reply(e, *r, "vm") : 1;
    }
    json body = json::object();
    if (verb == "stop" && e.args.flag("force"))
        body["force"] = true;
    if (verb == "reboot" && e.args.flag("hard"))
        body["hard"] = true;
    auto r = call(e, "POST", fmt::format("/api/v1/vms/{}/actions/{}", *id, verb), body);
    return r ? accepted_reply(e, *r, "vm") : 1;
}

int vm_cmd(cmd_env& e, const std::string& verb) {
    const auto n = e.args.positional.size();
    if (verb == "create" && n == 3 && e.args.get("flavor"))
        return create_vm(e);
    if (verb == "list" && n == 2)
        return list_reply(
            e, std::string("/api/v1/vms?limit=1000") + (e.args.flag("all-projects") ? "&all_projects=true" : ""),
            vm_cols);
    if (verb == "migrate" && n == 3)
        return vm_migrate_cmd(e, e.args.positional[2]);
    static const std::set<std::string> on_one{"show", "delete", "start", "stop", "reboot", "suspend", "resume"};
    if (n == 3 && on_one.count(verb))
        return act_on_vm(e, verb);
    return -1;
}

}  // namespace

cli::command_set compute_commands() {
    return {{{"flavor", flavor_cmd,
              "flavor create NAME --vcpus N --ram-mb N [--disk-gb N] [--extra-specs K=V,...] | flavor list"},
             {"vm", vm_cmd,
              "vm create NAME --flavor F [--host H] [--availability-zone Z] [--server-group G] [--dry-run] [--wait] | "
              "vm list | vm show|start|stop|reboot|suspend|resume|delete VM | "
              "vm migrate VM [--host H] [--cold] [--max-downtime-ms N] [--wait]"},
             {"host", host_mobility_cmd, "host maintenance|activate HOST | host remove HOST [--force]"}},
            {"vcpus", "ram-mb", "disk-gb", "flavor", "host", "availability-zone", "server-group", "extra-specs",
             "max-downtime-ms"},
            {"force", "hard", "all-projects", "dry-run", "cold"}};
}

}  // namespace kumo
