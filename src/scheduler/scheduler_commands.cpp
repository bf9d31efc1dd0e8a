// CLI: server groups, aggregates, host enable/disable, and `vm create --dry-run` (scheduler explain).
#include "kumo/cli/command_env.hpp"
#include "kumo/cli/output.hpp"

#include <fmt/format.h>

namespace kumo::cli {
namespace {

const std::vector<column> group_cols{{"ID", "id"}, {"NAME", "name"}, {"POLICY", "policy"}, {"MEMBERS", "members"}};
const std::vector<column> aggregate_cols{
    {"ID", "id"}, {"NAME", "name"}, {"ZONE", "availability_zone"}, {"METADATA", "metadata"}, {"HOSTS", "hosts"}};
const std::vector<column> verdict_cols{
    {"HOST", "host_name"}, {"ELIGIBLE", "eligible"}, {"WEIGHT", "weight"}, {"FILTER", "filter"}, {"REASON", "reason"}};

int list_reply(cmd_env& e, const std::string& path, const std::vector<column>& cols) {
    auto l = call(e, "GET", path);
    if (!l)
        return 1;
    print_rows((*l)["items"], cols, e.as_json);
    return 0;
}

// "k=v,k2=v2" -> object. Errors: nullopt for an item without '='.
std::optional<json> parse_pairs(const std::string& text) {
    json out = json::object();
    std::size_t start = 0;
    while (start <= text.size() && !text.empty()) {
        const auto comma = text.find(',', start);
        const std::string item = text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
        const auto eq = item.find('=');
        if (eq == std::string::npos || eq == 0)
            return std::nullopt;
        out[item.substr(0, eq)] = item.substr(eq + 1);
        if (comma == std::string::npos)
            break;
        start = comma + 1;
    }
    return out;
}

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

}  // namespace

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
    return usage(
        "server-group create NAME --policy affinity|anti-affinity|soft-affinity|soft-anti-affinity | "
        "server-group list | server-group show|delete GROUP");
}

int aggregate_cmd(cmd_env& e, const std::string& verb) {
    auto& p = e.args.positional;
    const std::string help =
        "aggregate create NAME [--zone Z] [--metadata K=V,...] | aggregate list | aggregate show|delete AGG | "
        "aggregate set AGG [--zone Z] [--metadata K=V,...] | aggregate add-host|remove-host AGG HOST";
    if (verb == "create" && p.size() == 3) {
        json body{{"name", p[2]}};
        if (!aggregate_options(e, body))
            return 2;
        return print_reply(e, call(e, "POST", "/api/v1/aggregates", body));
    }
    if (verb == "list" && p.size() == 2)
        return list_reply(e, "/api/v1/aggregates?limit=1000", aggregate_cols);
    if (p.size() < 3)
        return usage(help);
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
    return usage(help);
}

int print_reply(cmd_env& e, const std::optional<json>& r) {
    if (!r)
        return 1;
    print_object(*r, e.as_json);
    return 0;
}

int host_enable_cmd(cmd_env& e, const std::string& host_ref, bool enable) {
    auto id = resolve(e, "hosts", host_ref);
    if (!id)
        return 1;
    return print_reply(e, call(e, "PATCH", "/api/v1/hosts/" + *id, json{{"enabled", enable}}));
}

int explain_cmd(cmd_env& e, const json& create_body) {
    auto r = call(e, "POST", "/api/v1/scheduler/explain", create_body);
    if (!r)
        return 1;
    if (e.as_json) {
        print_object(*r, true);
    } else {
        fmt::print("{}\n", (*r)["summary"].get<std::string>());
        if (r->contains("hosts"))
            print_rows((*r)["hosts"], verdict_cols, false);
    }
    return (*r)["eligible"].get<bool>() ? 0 : 1;
}

std::optional<json> extra_specs_option(cmd_env& e) {
    auto s = e.args.get("extra-specs");
    if (!s)
        return json::object();
    return parse_pairs(*s);
}

}  // namespace kumo::cli
