// kumo role | quota | audit | app-credential.
#include "identity_commands.hpp"

#include <fmt/format.h>

namespace kumo {
namespace {

using namespace kumo::cli;

const std::vector<column> role_cols{{"ID", "id"}, {"NAME", "name"}, {"BUILTIN", "builtin"}};
const std::vector<column> assignment_cols{
    {"ID", "id"}, {"ROLE", "role"}, {"ACTOR", "actor"}, {"SCOPE", "scope"}, {"CREATED", "created_at"}};
const std::vector<column> audit_cols{{"SEQ", "seq"},         {"TIME", "time"},     {"ACTION", "action"},
                                     {"OUTCOME", "outcome"}, {"STATUS", "status"}, {"TARGET", "target"}};
const std::vector<column> credential_cols{
    {"ID", "id"}, {"NAME", "name"}, {"ROLES", "roles"}, {"EXPIRES", "expires_at"}};

json split_commas(const std::string& all) {
    json out = json::array();
    for (std::size_t start = 0; start < all.size();) {
        auto comma = all.find(',', start);
        if (comma == std::string::npos)
            comma = all.size();
        out.push_back(all.substr(start, comma - start));
        start = comma + 1;
    }
    return out;
}

// The assignment's scope from --project, --domain or --cloud into the body; an exit code on failure.
std::optional<int> assignment_scope(cmd_env& e, json& body) {
    if (auto pr = e.args.get("project")) {
        auto id = resolve(e, "projects", *pr);
        if (!id)
            return 1;
        body["project_id"] = *id;
    } else if (e.args.flag("cloud")) {
        body["cloud"] = true;
    } else if (auto d = e.args.get("domain")) {
        auto id = resolve(e, "domains", *d);
        if (!id)
            return 1;
        body["domain_id"] = *id;
    } else {
        return usage("role assign needs one of --project, --domain and --cloud");
    }
    return std::nullopt;
}

int assign(cmd_env& e) {
    json body{{"role", e.args.positional[2]}};
    const auto user = e.args.get("user"), group = e.args.get("group");
    if (user.has_value() == group.has_value())
        return usage("role assign needs one of --user and --group");
    auto actor = user ? resolve(e, "users", *user) : resolve(e, "groups", *group);
    if (!actor)
        return 1;
    body[user ? "user_id" : "group_id"] = *actor;
    if (auto failed = assignment_scope(e, body))
        return *failed;
    return print_reply(e, call(e, "POST", "/api/v1/role-assignments", body));
}

// Flattened for the table: the role's name, "user ID" or "group ID", "project ID" or "cloud".
int assignments(cmd_env& e) {
    auto r = call(e, "GET", "/api/v1/role-assignments");
    if (!r)
        return 1;
    json rows = (*r)["items"];
    if (!e.as_json())
        for (auto& a : rows) {
            a["actor"] = a.contains("user_id") ? "user " + a.value("user_id", "") : "group " + a.value("group_id", "");
            const json& scope = a["scope"];
            a["scope"] = scope["id"].is_string() ? scope.value("type", "") + " " + scope["id"].get<std::string>()
                                                 : scope.value("type", "");
            a["role"] = a["role"].value("name", "");
        }
    print_rows(rows, assignment_cols, e.out);
    return 0;
}

int print_quota(cmd_env& e, const json& q) {
    if (e.as_json()) {
        print_object(q, e.out);
        return 0;
    }
    json rows = json::array();
    for (auto& [res, v] : q["quota"].items())
        rows.push_back({{"resource", res}, {"limit", v["limit"]}, {"in_use", v["in_use"]}});
    print_rows(rows, {{"RESOURCE", "resource"}, {"LIMIT", "limit"}, {"IN_USE", "in_use"}}, e.out);
    return 0;
}

int quota_show(cmd_env& e) {
    auto id = resolve(e, "projects", e.args.positional[2]);
    auto q = id ? call(e, "GET", "/api/v1/projects/" + *id + "/quota") : std::nullopt;
    return q ? print_quota(e, *q) : 1;
}

int quota_set(cmd_env& e) {
    const auto& p = e.args.positional;
    json body = json::object();
    for (std::size_t i = 3; i < p.size(); ++i) {
        const auto eq = p[i].find('=');
        if (eq == std::string::npos || eq == 0)
            return usage("quota set takes RESOURCE=LIMIT pairs, e.g. instances=10 (-1: unlimited), not '" + p[i] + "'");
        const std::string res = p[i].substr(0, eq);
        auto n = parse_integer(p[i].substr(eq + 1), -1, std::numeric_limits<std::int64_t>::max());
        if (!n)
            return usage(res + " takes " + n.error().detail + " (-1: unlimited)");
        body[res] = *n;
    }
    auto id = resolve(e, "projects", p[2]);
    auto q = id ? call(e, "PATCH", "/api/v1/projects/" + *id + "/quota", body) : std::nullopt;
    return q ? print_quota(e, *q) : 1;
}

int audit_list(cmd_env& e) {
    std::string path = "/api/v1/audit?limit=" + std::to_string(e.args.integer("limit").value_or(50));
    if (auto a = e.args.get("action"))
        path += "&action=" + *a;
    if (auto u = e.args.get("user"))
        path += "&user_id=" + *u;
    if (auto pr = e.args.get("project"))
        path += "&project_id=" + *pr;
    return list_reply(e, path, audit_cols);
}

int audit_verify(cmd_env& e) {
    auto v = call(e, "GET", "/api/v1/audit/verify");
    if (!v)
        return 1;
    if (!e.as_table())
        print_object(*v, e.out);
    if ((*v)["intact"].get<bool>()) {
        if (e.as_table())
            fmt::print("audit log intact: {} entries verified\n", (*v)["entries"].get<std::int64_t>());
        return 0;
    }
    fmt::print(stderr, "audit log BROKEN at entry {}: {}\n", (*v)["first_broken_seq"].get<std::int64_t>(),
               (*v)["reason"].get<std::string>());
    return 1;
}

int create_credential(cmd_env& e) {
    json body{{"name", e.args.positional[2]}};
    if (auto r = e.args.get("roles"))
        body["roles"] = split_commas(*r);
    if (auto d = e.args.get("description"))
        body["description"] = *d;
    if (auto x = e.args.integer("expires-in"))
        body["expires_in_s"] = *x;
    return print_reply(e, call(e, "POST", "/api/v1/application-credentials", body));
}

}  // namespace

noun_spec role_noun() {
    return {"role",
            "roles and role assignments",
            {{"list", "list roles", {}, {}, [](cmd_env& e) { return list_reply(e, "/api/v1/roles", role_cols); }},
             {"create",
              "create a role",
              {"NAME"},
              {opt_required("permissions", "a:b,c:d")},
              [](cmd_env& e) {
                  json body{{"name", e.args.positional[2]}, {"permissions", split_commas(*e.args.get("permissions"))}};
                  return print_reply(e, call(e, "POST", "/api/v1/roles", body));
              }},
             {"show",
              "show one role",
              {"ROLE"},
              {},
              [](cmd_env& e) {
                  auto id = resolve(e, "roles", e.args.positional[2]);
                  return print_reply(e, id ? call(e, "GET", "/api/v1/roles/" + *id) : std::nullopt);
              }},
             {"delete",
              "delete a role",
              {"ROLE"},
              {},
              [](cmd_env& e) {
                  auto id = resolve(e, "roles", e.args.positional[2]);
                  return id ? delete_reply(e, "/api/v1/roles/" + *id, *id) : 1;
              }},
             {"assign",
              "give a user or group a role on a project, a domain or the cloud",
              {"ROLE"},
              {opt("user", "user name or id"), opt("group", "group name or id"), opt("project", "project"),
               opt("domain", "domain"), opt_flag("cloud", "the whole cloud")},
              assign},
             {"assignments", "list role assignments", {}, {}, assignments},
             {"unassign", "delete a role assignment", {"ASSIGNMENT_ID"}, {}, [](cmd_env& e) {
                  return delete_reply(e, "/api/v1/role-assignments/" + e.args.positional[2], e.args.positional[2]);
              }}}};
}

noun_spec quota_noun() {
    return {
        "quota",
        "project quotas",
        {{"show", "show a project's limits and usage", {"PROJECT"}, {}, quota_show},
         {"set", "set limits, e.g. instances=10 vcpus=20 (-1: unlimited)", {"PROJECT", "LIMITS..."}, {}, quota_set}}};
}

noun_spec audit_noun() {
    return {"audit",
            "the tamper-evident audit log",
            {{"list",
              "list audit entries",
              {},
              {opt("action", "e.g. role_assignment:create"), opt("user", "USER_ID"), opt("project", "PROJECT_ID"),
               opt_integer("limit", "entries (default 50)", 1, 1000)},
              audit_list},
             {"verify", "check the hash chain", {}, {}, audit_verify}}};
}

noun_spec app_credential_noun() {
    return {"app-credential",
            "application credentials: a secret for scripts, limited to some of your roles",
            {{"create",
              "create one (the secret is shown once)",
              {"NAME"},
              {opt("roles", "role names, comma-separated (default: all of yours)"), opt("description", "text"),
               opt_integer("expires-in", "seconds until it expires", 1, std::numeric_limits<std::int32_t>::max())},
              create_credential},
             {"list",
              "list yours",
              {},
              {},
              [](cmd_env& e) { return list_reply(e, "/api/v1/application-credentials", credential_cols); }},
             {"show",
              "show one",
              {"CREDENTIAL"},
              {},
              [](cmd_env& e) {
                  auto id = resolve(e, "application-credentials", e.args.positional[2]);
                  return print_reply(e, id ? call(e, "GET", "/api/v1/application-credentials/" + *id) : std::nullopt);
              }},
             {"delete", "delete one", {"CREDENTIAL"}, {}, [](cmd_env& e) {
                  auto id = resolve(e, "application-credentials", e.args.positional[2]);
                  return id ? delete_reply(e, "/api/v1/application-credentials/" + *id, *id) : 1;
              }}}};
}

}  // namespace kumo
