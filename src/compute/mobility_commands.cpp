// kumo host maintenance|activate|remove (the host actions that move or release VMs), kumo vm migrate,
// and the scheduler's answer to `vm create --dry-run`.
#include "compute_commands.hpp"
#include "kumo/cli/output.hpp"

#include <fmt/format.h>

namespace kumo::cli {
namespace {

const std::vector<column> verdict_cols{
    {"HOST", "host_name"}, {"ELIGIBLE", "eligible"}, {"WEIGHT", "weight"}, {"FILTER", "filter"}, {"REASON", "reason"}};

}  // namespace

namespace {

// maintenance, activate and remove: the host verbs that move or release VMs.
int on_host(cmd_env& e, const std::string& verb) {
    auto id = resolve(e, "hosts", e.args.positional[2]);
    if (!id)
        return 1;
    const std::string path = "/api/v1/hosts/" + *id;
    if (verb == "maintenance") {
        auto r = call(e, "POST", path + "/actions/maintenance", json::object());
        return r ? accepted_reply(e, *r, "host") : 1;
    }
    if (verb == "activate")
        return print_reply(e, call(e, "POST", path + "/actions/activate", json::object()));
    if (!call(e, "DELETE", path + (e.args.flag("force") ? "?force=true" : "")))
        return 1;
    if (!e.as_json())
        fmt::print("host {} removed\n", *id);
    return 0;
}

}  // namespace

noun_spec host_mobility_noun() {
    auto act = [](const char* verb) { return [verb](cmd_env& e) { return on_host(e, verb); }; };
    return {"host",
            "",
            {{"maintenance", "move the host's VMs away and keep new ones off", {"HOST"}, {}, act("maintenance"), true},
             {"activate", "end maintenance", {"HOST"}, {}, act("activate")},
             {"remove",
              "remove a host with no VMs",
              {"HOST"},
              {opt_flag("force", "also when it is unreachable (no live VMs)")},
              act("remove")}}};
}

int vm_migrate_cmd(cmd_env& e, const std::string& vm_ref) {
    auto id = resolve(e, "vms", vm_ref);
    if (!id)
        return 1;
    json body = json::object();
    if (auto h = e.args.get("host")) {
        auto host = resolve(e, "hosts", *h);
        if (!host)
            return 1;
        body["host_id"] = *host;
    }
    if (e.args.flag("cold"))
        body["live"] = false;
    if (auto d = e.args.integer("max-downtime-ms"))
        body["max_downtime_ms"] = *d;
    auto r = call(e, "POST", "/api/v1/vms/" + *id + "/actions/migrate", body);
    return r ? accepted_reply(e, *r, "vm") : 1;
}

int explain_cmd(cmd_env& e, const json& create_body) {
    auto r = call(e, "POST", "/api/v1/scheduler/explain", create_body);
    if (!r)
        return 1;
    if (!e.as_table()) {
        print_object(*r, e.out);
    } else {
        fmt::print("{}\n", (*r)["summary"].get<std::string>());
        if (r->contains("hosts"))
            print_rows((*r)["hosts"], verdict_cols, e.out);
    }
    return (*r)["eligible"].get<bool>() ? 0 : 1;
}

}  // namespace kumo::cli
