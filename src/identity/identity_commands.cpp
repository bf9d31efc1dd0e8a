// kumo domain | project | user | role | quota | audit.
#include "identity_commands.hpp"
#include "kumo/cli/output.hpp"
#include "kumo/identity/commands.hpp"

#include <fmt/format.h>

namespace kumo {
namespace {

using namespace kumo::cli;

const std::vector<column> domain_cols{{"ID", "id"}, {"NAME", "name"}, {"ENABLED", "enabled"}};
const std::vector<column> project_cols{{"ID", "id"}, {"NAME", "name"}, {"DOMAIN", "domain_id"}, {"ENABLED", "enabled"}};
const std::vector<column> user_cols{{"ID", "id"}, {"NAME", "name"}, {"DOMAIN", "domain_id"}, {"ENABLED", "enabled"}};
const std::vector<column> role_cols{{"ID", "id"}, {"NAME", "name"}, {"BUILTIN", "builtin"}};
const std::vector<column> audit_cols{{"SEQ", "seq"},         {"TIME", "time"},     {"ACTION", "action"},
                                     {"OUTCOME", "outcome"}, {"STATUS", "status"}, {"TARGET", "target"}};

int remove(cmd_env& e, const std::string& collection) {
    auto id = resolve(e, collection, e.args.positional[2]);
    return id ? delete_reply(e, "/api/v1/" + collection + "/" + *id, *id) : 1;
}

int show(cmd_env& e, const std::string& collection) {
    auto id = resolve(e, collection, e.args.positional[2]);
    return print_reply(e, id ? call(e, "GET", "/api/v1/" + collection + "/" + *id) : std::nullopt);
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

int create_project(cmd_env& e) {
    json body{{"name", e.args.positional[2]}};
    if (!with_domain(e, body))
        return 1;
    return print_reply(e, call(e, "POST", "/api/v1/projects", body));
}

int create_user(cmd_env& e) {
    json body{{"name", e.args.positional[2]},
              {"password", read_secret(e.args.get("password"), "KUMO_NEW_PASSWORD", "New password: ")}};
    if (auto m = e.args.get("email"))
        body["email"] = *m;
    if (!with_domain(e, body))
        return 1;
    return print_reply(e, call(e, "POST", "/api/v1/users", body));
}

int enable_user(cmd_env& e, bool enabled) {
    auto id = resolve(e, "users", e.args.positional[2]);
    return print_reply(e, id ? call(e, "PATCH", "/api/v1/users/" + *id, json{{"enabled", enabled}}) : std::nullopt);
}

noun_spec domain_noun() {
    return {"domain",
            "domains (departments): projects and users belong to one",
            {{"list",
              "list domains",
              {},
              {},
              [](cmd_env& e) { return list_reply(e, "/api/v1/domains?limit=1000", domain_cols); }},
             {"create",
              "create a domain",
              {"NAME"},
              {},
              [](cmd_env& e) {
                  return print_reply(e, call(e, "POST", "/api/v1/domains", json{{"name", e.args.positional[2]}}));
              }},
             {"show", "show one domain", {"DOMAIN"}, {}, [](cmd_env& e) { return show(e, "domains"); }},
             {"delete", "delete a domain", {"DOMAIN"}, {}, [](cmd_env& e) { return remove(e, "domains"); }}}};
}

noun_spec project_noun() {
    return {"project",
            "projects: who owns VMs, images and volumes",
            {{"list",
              "list projects",
              {},
              {},
              [](cmd_env& e) { return list_reply(e, "/api/v1/projects?limit=1000", project_cols); }},
             {"create", "create a project", {"NAME"}, {opt("domain", "its domain (name or id)")}, create_project},
             {"show", "show one project", {"PROJECT"}, {}, [](cmd_env& e) { return show(e, "projects"); }},
             {"delete", "delete a project", {"PROJECT"}, {}, [](cmd_env& e) { return remove(e, "projects"); }}}};
}

noun_spec user_noun() {
    return {"user",
            "users",
            {{"list",
              "list users",
              {},
              {},
              [](cmd_env& e) { return list_reply(e, "/api/v1/users?limit=1000", user_cols); }},
             {"create",
              "create a user",
              {"NAME"},
              {opt("domain", "its domain (name or id)"), opt("email", "address"),
               opt("password", "password (else KUMO_NEW_PASSWORD, a prompt, or one line of stdin)")},
              create_user},
             {"show", "show one user", {"USER"}, {}, [](cmd_env& e) { return show(e, "users"); }},
             {"enable", "let the user log in", {"USER"}, {}, [](cmd_env& e) { return enable_user(e, true); }},
             {"disable",
              "refuse the user's logins and tokens",
              {"USER"},
              {},
              [](cmd_env& e) { return enable_user(e, false); }},
             {"delete", "delete a user", {"USER"}, {}, [](cmd_env& e) { return remove(e, "users"); }}}};
}

}  // namespace

cli::command_set identity_commands() {
    return {
        {domain_noun(), project_noun(), user_noun(), role_noun(), quota_noun(), audit_noun(), app_credential_noun()}};
}

}  // namespace kumo
