// kumo server-group and kumo aggregate.
#include "kumo/cli/output.hpp"
#include "kumo/scheduler/commands.hpp"

#include <fmt/format.h>

namespace kumo {
namespace {

using namespace kumo::cli;

const std::vector<column> group_cols{{"ID", "id"}, {"NAME", "name"}, {"POLICY", "policy"}, {"MEMBERS", "members"}};
const std::vector<column> aggregate_cols{
    {"ID", "id"}, {"NAME", "name"}, {"ZONE", "availability_zone"}, {"METADATA", "metadata"}, {"HOSTS", "hosts"}};

// --zone and --metadata into an aggregate body. Returns false (after printing usage) on bad input.
bool aggregate_options(cmd_env& e, json& body) {
    if (auto z = e.args.get("zone"))
        body["availability_zone"] = z->empty() ? json(nullptr) : json(*z);
    if (auto m = e.args.get("metadata")) {
        auto pairs = parse_pairs(*m);
        if (!pairs) {
            usage("--metadata takes KEY=VALUE[,KEY=VALUE...]");
            return false;
        }
        body["metadata"] = *pairs;
    }
    return true;
}

int create_group(cmd_env& e) {
    return print_reply(e, call(e, "POST", "/api/v1/server-groups",
                               json{{"name", e.args.positional[2]}, {"policy", *e.args.get("policy")}}));
}

int on_group(cmd_env& e, bool remove) {
    auto id = resolve(e, "server-groups", e.args.positional[2]);
    if (!id)
        return 1;
    return remove ? delete_reply(e, "/api/v1/server-groups/" + *id, *id)
                  : print_reply(e, call(e, "GET", "/api/v1/server-groups/" + *id));
}

int create_aggregate(cmd_env& e) {
    json body{{"name", e.args.positional[2]}};
    if (!aggregate_options(e, body))
        return 2;
    return print_reply(e, call(e, "POST", "/api/v1/aggregates", body));
}

// show, delete, set, add-host and remove-host: the verbs that name one aggregate.
int on_aggregate(cmd_env& e, const std::string& verb) {
    auto& p = e.args.positional;
    auto id = resolve(e, "aggregates", p[2]);
    if (!id)
        return 1;
    const std::string path = "/api/v1/aggregates/" + *id;
    if (verb == "show")
        return print_reply(e, call(e, "GET", path));
    if (verb == "delete")
        return delete_reply(e, path, *id);
    if (verb == "set") {
        json body = json::object();
        if (!aggregate_options(e, body))
            return 2;
        return print_reply(e, call(e, "PATCH", path, body));
    }
    auto host = resolve(e, "hosts", p[3]);
    if (!host)
        return 1;
    return print_reply(e, call(e, verb == "add-host" ? "PUT" : "DELETE", path + "/hosts/" + *host));
}

const std::vector<option_spec> aggregate_opts{opt("zone", "availability zone (empty: none)"),
                                              opt("metadata", "KEY=VALUE[,KEY=VALUE...]")};

noun_spec server_group_noun() {
    return {"server-group",
            "server groups: affinity rules between VMs",
            {{"create",
              "create a server group",
              {"NAME"},
              {opt_required("policy", "affinity, anti-affinity, soft-affinity or soft-anti-affinity")},
              create_group},
             {"list",
              "list server groups",
              {},
              {},
              [](cmd_env& e) { return list_reply(e, "/api/v1/server-groups?limit=1000", group_cols); }},
             {"show", "show one server group", {"GROUP"}, {}, [](cmd_env& e) { return on_group(e, false); }},
             {"delete", "delete a server group", {"GROUP"}, {}, [](cmd_env& e) { return on_group(e, true); }}}};
}

noun_spec aggregate_noun() {
    auto on_one = [](const char* verb) { return [verb](cmd_env& e) { return on_aggregate(e, verb); }; };
    return {"aggregate",
            "host aggregates and availability zones",
            {{"create", "create an aggregate", {"NAME"}, aggregate_opts, create_aggregate},
             {"list",
              "list aggregates",
              {},
              {},
              [](cmd_env& e) { return list_reply(e, "/api/v1/aggregates?limit=1000", aggregate_cols); }},
             {"show", "show one aggregate", {"AGG"}, {}, on_one("show")},
             {"delete", "delete an aggregate", {"AGG"}, {}, on_one("delete")},
             {"set", "change an aggregate's zone or metadata", {"AGG"}, aggregate_opts, on_one("set")},
             {"add-host", "add a host to the aggregate", {"AGG", "HOST"}, {}, on_one("add-host")},
             {"remove-host", "remove a host from the aggregate", {"AGG", "HOST"}, {}, on_one("remove-host")}}};
}

}  // namespace

cli::command_set scheduler_commands() {
    return {{server_group_noun(), aggregate_noun()}};
}

}  // namespace kumo
