// kumo server-group and kumo aggregate.
#include "kumo/cli/output.hpp"
#include "kumo/scheduler/commands.hpp"

#include <fmt/format.h>

namespace kumo {
namespace {

using namespace kumo::cli;

const char* const aggregate_usage =
    "aggregate create NAME [--zone Z] [--metadata K=V,...] | aggregate list | aggregate show|delete AGG | "
    "aggregate set AGG [--zone Z] [--metadata K=V,...] | aggregate add-host|remove-host AGG HOST";

const std::vector<column> group_cols{{"ID", "id"}, {"NAME", "name"}, {"POLICY", "policy"}, {"MEMBERS", "members"}};
const std::vector<column> aggregate_cols{
    {"ID", "id"}, {"NAME", "name"}, {"ZONE", "availability_zone"}, {"METADATA", "metadata"}, {"HOSTS", "hosts"}};
const std::vector<column> verdict_cols{
    {"HOST", "host_name"}, {"ELIGIBLE", "eligible"}, {"WEIGHT", "weight"}, {"FILTER", "filter"}, {"REASON", "reason"}};

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

int server_group_cmd(cmd_env& e, const std::string& verb) {
    auto& p = e.args.positional;
    if (verb == "create" && p.size() == 3 && e.args.get("policy"))
        return print_reply(
            e, call(e, "POST", "/api/v1/server-groups", json{{"name", p[2]}, {"policy", *e.args.get("policy")}}));
    if (verb == "list" && p.size() == 2)
        return list_reply(e, "/api/v1/server-groups?limit=1000", group_cols);
    if ((verb == "show" || verb == "delete") && p.size() == 3) {
        auto id = resolve(e, "server-groups", p[2]);
        if (!id)
            return 1;
        if (verb == "show")
            return print_reply(e, call(e, "GET", "/api/v1/server-groups/" + *id));
        return call(e, "DELETE", "/api/v1/server-groups/" + *id) ? 0 : 1;
    }
    return -1;
}

int aggregate_cmd(cmd_env& e, const std::string& verb) {
    auto& p = e.args.positional;
    if (verb == "create" && p.size() == 3) {
        json body{{"name", p[2]}};
        if (!aggregate_options(e, body))
            return 2;
        return print_reply(e, call(e, "POST", "/api/v1/aggregates", body));
    }
    if (verb == "list" && p.size() == 2)
        return list_reply(e, "/api/v1/aggregates?limit=1000", aggregate_cols);
    if (p.size() < 3)
        return -1;
    auto id = resolve(e, "aggregates", p[2]);
    if (!id)
        return 1;
    const std::string path = "/api/v1/aggregates/" + *id;
    if (verb == "show" && p.size() == 3)
        return print_reply(e, call(e, "GET", path));
    if (verb == "delete" && p.size() == 3)
        return call(e, "DELETE", path) ? 0 : 1;
    if (verb == "set" && p.size() == 3) {
        json body = json::object();
        if (!aggregate_options(e, body))
            return 2;
        return print_reply(e, call(e, "PATCH", path, body));
    }
    if ((verb == "add-host" || verb == "remove-host") && p.size() == 4) {
        auto host = resolve(e, "hosts", p[3]);
        if (!host)
            return 1;
        return print_reply(e, call(e, verb == "add-host" ? "PUT" : "DELETE", path + "/hosts/" + *host));
    }
    return -1;
}

}  // namespace

cli::command_set scheduler_commands() {
    return {{{"server-group", server_group_cmd,
              "server-group create NAME --policy affinity|anti-affinity|soft-affinity|soft-anti-affinity | "
              "server-group list | server-group show|delete GROUP"},
             {"aggregate", aggregate_cmd, aggregate_usage}},
            {"policy", "zone", "metadata"},
            {}};
}

}  // namespace kumo
