// kumo domain | project | user | role | quota | audit.
#include "kumo/cli/output.hpp"
#include "kumo/identity/commands.hpp"

#include <fmt/format.h>
#include <iostream>

namespace kumo {
namespace {

using namespace kumo::cli;

const std::vector<column> domain_cols{{"ID", "id"}, {"NAME", "name"}, {"ENABLED", "enabled"}};
const std::vector<column> project_cols{{"ID", "id"}, {"NAME", "name"}, {"DOMAIN", "domain_id"}, {"ENABLED", "enabled"}};
const std::vector<column> user_cols{{"ID", "id"}, {"NAME", "name"}, {"DOMAIN", "domain_id"}, {"ENABLED", "enabled"}};
const std::vector<column> role_cols{{"ID", "id"}, {"NAME", "name"}, {"BUILTIN", "builtin"}};
const std::vector<column> audit_cols{{"SEQ", "seq"},         {"TIME", "time"},     {"ACTION", "action"},
                                     {"OUTCOME", "outcome"}, {"STATUS", "status"}, {"TARGET", "target"}};

int remove(cmd_env& e, const std::string& collection, const std::string& ref) {
    auto id = resolve(e, collection, ref);
    if (!id || !call(e, "DELETE", "/api/v1/" + collection + "/" + *id))
        return 1;
    fmt::print("deleted {}\n", *id);
    return 0;
}

// --domain NAME_OR_ID into body["domain_id"]; false when it does not resolve.
bool with_domain(cmd_env& e, json& body) {
    if (auto d = e.args.get("domain")) {
        auto id = resolve(e, "domains", *d);
        if (!id)
            return false;
        body["domain_id"] = *id;
    }
    return true;
}

std::string password_input(const cmd_env& e) {
    if (auto p = e.args.get("password"))
        return *p;
    if (const char* env = std::getenv("KUMO_NEW_PASSWORD"))
        return env;
    std::string line;
    std::getline(std::cin, line);
    return line;
}

int domain_cmd(cmd_env& e, const std::string& verb) {
    auto& p = e.args.positional;
    if (verb == "list" && p.size() == 2)
        return list_reply(e, "/api/v1/domains?limit=1000", domain_cols);
    if (verb == "create" && p.size() == 3)
        return print_reply(e, call(e, "POST", "/api/v1/domains", json{{"name", p[2]}}));
    if (verb == "delete" && p.size() == 3)
        return remove(e, "domains", p[2]);
    return -1;
}

int project_cmd(cmd_env& e, const std::string& verb) {
    auto& p = e.args.positional;
    if (verb == "list" && p.size() == 2)
        return list_reply(e, "/api/v1/projects?limit=1000", project_cols);
    if (verb == "create" && p.size() == 3) {
        json body{{"name", p[2]}};
        if (!with_domain(e, body))
            return 1;
        return print_reply(e, call(e, "POST", "/api/v1/projects", body));
    }
    if (verb == "show" && p.size() == 3) {
        auto id = resolve(e, "projects", p[2]);
        return print_reply(e, id ? call(e, "GET", "/api/v1/projects/" + *id) : std::nullopt);
    }
    if (verb == "delete" && p.size() == 3)
        return remove(e, "projects", p[2]);
    return -1;
}

int user_cmd(cmd_env& e, const std::string& verb) {
    auto& p = e.args.positional;
    if (verb == "list" && p.size() == 2)
        return list_reply(e, "/api/v1/users?limit=1000", user_cols);
    if (verb == "create" && p.size() == 3) {
        json body{{"name", p[2]}, {"password", password_input(e)}};
        if (auto m = e.args.get("email"))
            body["email"] = *m;
        if (!with_domain(e, body))
            return 1;
        return print_reply(e, call(e, "POST", "/api/v1/users", body));
    }
    if ((verb == "enable" || verb == "disable") && p.size() == 3) {
        auto id = resolve(e, "users", p[2]);
        json body{{"enabled", verb == "enable"}};
        return print_reply(e, id ? call(e, "PATCH", "/api/v1/users/" + *id, body) : std::nullopt);
    }
    if (verb == "delete" && p.size() == 3)
        return remove(e, "users", p[2]);
    return -1;
}

int role_cmd(cmd_env& e, const std::string& verb) {
    auto& p = e.args.positional;
    if (verb == "list" && p.size() == 2)
        return list_reply(e, "/api/v1/roles", role_cols);
    if (verb == "create" && p.size() == 3) {
        json perms = json::array();
        std::string all = e.args.get("permissions").value_or("");
        for (std::size_t start = 0; start < all.size();) {
            auto comma = all.find(',', start);
            if (comma == std::string::npos)
                comma = all.size();
            perms.push_back(all.substr(start, comma - start));
            start = comma + 1;
        }
        return print_reply(e, call(e, "POST", "/api/v1/roles", json{{"name", p[2]}, {"permissions", perms}}));
    }
    if (verb == "delete" && p.size() == 3)
        return remove(e, "roles", p[2]);
    if (verb == "assign" && p.size() == 3) {
        json body{{"role", p[2]}};
        const auto user = e.args.get("user"), group = e.args.get("group");
        if (user.has_value() == group.has_value())
            return usage("role assign needs one of --user and --group");
        auto actor = user ? resolve(e, "users", *user) : resolve(e, "groups", *group);
        if (!actor)
            return 1;
        body[user ? "user_id" : "group_id"] = *actor;
        if (auto pr = e.args.get("project")) {
            auto id = resolve(e, "projects", *pr);
            if (!id)
                return 1;
            body["project_id"] = *id;
        } else if (e.args.flag("cloud")) {
            body["cloud"] = true;
        } else if (!e.args.get("domain") || !with_domain(e, body)) {
            return e.args.get("domain") ? 1 : usage("role assign needs one of --project, --domain and --cloud");
        }
        return print_reply(e, call(e, "POST", "/api/v1/role-assignments", body));
    }
    if (verb == "assignments" && p.size() == 2)
        return print_reply(e, call(e, "GET", "/api/v1/role-assignments"));
    if (verb == "unassign" && p.size() == 3) {
        if (!call(e, "DELETE", "/api/v1/role-assignments/" + p[2]))
            return 1;
        fmt::print("deleted {}\n", p[2]);
        return 0;
    }
    return -1;
}

int quota_cmd(cmd_env& e, const std::string& verb) {
    auto& p = e.args.positional;
    auto id = p.size() >= 3 ? resolve(e, "projects", p[2]) : std::nullopt;
    if (verb == "show" && p.size() == 3) {
        auto q = id ? call(e, "GET", "/api/v1/projects/" + *id + "/quota") : std::nullopt;
        if (!q)
            return 1;
        if (e.as_json) {
            print_object(*q, true);
            return 0;
        }
        json rows = json::array();
        for (auto& [res, v] : (*q)["quota"].items())
            rows.push_back({{"resource", res}, {"limit", v["limit"]}, {"in_use", v["in_use"]}});
        print_rows(rows, {{"RESOURCE", "resource"}, {"LIMIT", "limit"}, {"IN_USE", "in_use"}}, false);
        return 0;
    }
    if (verb == "set" && p.size() >= 4 && id) {
        json body = json::object();
        for (std::size_t i = 3; i < p.size(); ++i) {
            auto eq = p[i].find('=');
            try {
                if (eq == std::string::npos)
                    throw std::invalid_argument(p[i]);
                body[p[i].substr(0, eq)] = std::stoll(p[i].substr(eq + 1));
            } catch (const std::exception&) {
                return usage("quota set takes RESOURCE=LIMIT pairs, e.g. instances=10 (-1: unlimited)");
            }
        }
        return print_reply(e, call(e, "PATCH", "/api/v1/projects/" + *id + "/quota", body));
    }
    if (p.size() >= 3 && !id)
        return 1;
    return -1;
}

int audit_cmd(cmd_env& e, const std::string& verb) {
    auto& p = e.args.positional;
    if (verb == "list" && p.size() == 2) {
        std::string path = "/api/v1/audit?limit=" + e.args.get("limit").value_or("50");
        if (auto a = e.args.get("action"))
            path += "&action=" + *a;
        if (auto u = e.args.get("user"))
            path += "&user_id=" + *u;
        if (auto pr = e.args.get("project"))
            path += "&project_id=" + *pr;
        return list_reply(e, path, audit_cols);
    }
    if (verb == "verify" && p.size() == 2) {
        auto v = call(e, "GET", "/api/v1/audit/verify");
        if (!v)
            return 1;
        if (e.as_json)
            print_object(*v, true);
        if ((*v)["intact"].get<bool>()) {
            if (!e.as_json)
                fmt::print("audit log intact: {} entries verified\n", (*v)["entries"].get<std::int64_t>());
            return 0;
        }
        fmt::print(stderr, "audit log BROKEN at entry {}: {}\n", (*v)["first_broken_seq"].get<std::int64_t>(),
                   (*v)["reason"].get<std::string>());
        return 1;
    }
    return -1;
}

}  // namespace

cli::command_set identity_commands() {
    return {
        {{"domain", domain_cmd, "domain list | domain create NAME | domain delete DOMAIN"},
         {"project", project_cmd,
          "project list | project create NAME [--domain D] | project show P | project delete P"},
         {"user", user_cmd,
          "user list | user create NAME [--domain D] [--email E] (password: --password, KUMO_NEW_PASSWORD or stdin) "
          "| user enable|disable USER | user delete USER"},
         {"role", role_cmd,
          "role list | role create NAME --permissions a:b,c:d | role delete ROLE | "
          "role assign ROLE --user U|--group G --project P|--domain D|--cloud | role assignments | "
          "role unassign ASSIGNMENT_ID"},
         {"quota", quota_cmd, "quota show PROJECT | quota set PROJECT RESOURCE=LIMIT..."},
         {"audit", audit_cmd,
          "audit list [--action A] [--user USER_ID] [--project PROJECT_ID] [--limit N] | audit verify"}},
        {"domain", "email", "role", "user", "group", "permissions", "action", "limit", "project", "password"},
        {}};
}

}  // namespace kumo
