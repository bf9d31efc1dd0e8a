#include "kumo/cli/commands.hpp"

#include "kumo/cli/args.hpp"
#include "kumo/cli/client.hpp"
#include "kumo/cli/command_env.hpp"
#include "kumo/cli/output.hpp"
#include "kumo/core/certificate.hpp"
#include "kumo/core/ids.hpp"
#include "session_store.hpp"

#include <fmt/format.h>
#include <chrono>
#include <functional>
#include <iostream>
#include <map>

namespace kumo::cli {

int usage(const std::string& msg) {
    fmt::print(stderr, "kumo: {}\nRun `kumo help` for the commands.\n", msg);
    return 2;
}

int api_fail(const std::string& msg) {
    fmt::print(stderr, "kumo: {}\n", msg);
    return 1;
}

std::optional<json> call(cmd_env& e, const std::string& method, const std::string& path,
                         const std::optional<json>& body) {
    auto r = e.client.send(method, path, body);
    if (!r) {
        api_fail(r.error().detail);
        return std::nullopt;
    }
    if (r->status >= 400) {
        api_fail(describe_problem(*r));
        return std::nullopt;
    }
    return r->body;
}

std::optional<std::string> resolve(cmd_env& e, const std::string& collection, const std::string& ref) {
    if (is_uuid(ref))
        return ref;
    auto list = call(e, "GET", fmt::format("/api/v1/{}?name={}", collection, ref));
    if (!list)
        return std::nullopt;
    const auto& items = (*list)["items"];
    if (items.size() != 1) {
        api_fail(fmt::format("{} '{}' matches {} resources; use its id", collection, ref, items.size()));
        return std::nullopt;
    }
    return items[0]["id"].get<std::string>();
}

namespace {

// Follows an operation to its end. Returns the exit code.
int wait_operation(cmd_env& e, const std::string& op_id, int timeout_s) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_s);
    while (true) {
        auto op = call(e, "GET", fmt::format("/api/v1/operations/{}?wait=30", op_id));
        if (!op)
            return 1;
        const std::string status = (*op)["status"];
        if (status == "succeeded" || status == "failed" || status == "cancelled") {
            if (status == "succeeded") {
                if (!e.as_json)
                    fmt::print("operation {} succeeded\n", op_id);
                else
                    print_object(*op, true);
                return 0;
            }
            const json& err = (*op)["error"];
            return api_fail(fmt::format("operation {} {}: {}", op_id, status,
                                        err.is_object() ? err.value("detail", "") : std::string()));
        }
        if (std::chrono::steady_clock::now() > deadline)
            return api_fail(fmt::format("operation {} still {} after {} s", op_id, status, timeout_s));
    }
}

}  // namespace

int accepted_reply(cmd_env& e, const json& body, const char* resource) {
    if (e.args.flag("wait"))
        return wait_operation(e, body["operation"]["id"], std::stoi(e.args.get("timeout").value_or("600")));
    if (e.as_json)
        print_object(body, true);
    else
        fmt::print("{} {}: operation {} {}\n", resource, body[resource]["id"].get<std::string>(),
                   body["operation"]["id"].get<std::string>(), body["operation"]["status"].get<std::string>());
    return 0;
}

namespace {

const std::vector<column> host_cols{{"ID", "id"},          {"NAME", "name"}, {"STATUS", "status"},
                                    {"TYPE", "virt_type"}, {"CPUS", "cpus"}, {"MEMORY_MB", "memory_mb"},
                                    {"URI", "uri"}};
const std::vector<column> flavor_cols{
    {"ID", "id"}, {"NAME", "name"}, {"VCPUS", "vcpus"}, {"RAM_MB", "ram_mb"}, {"DISK_GB", "disk_gb"}};
const std::vector<column> vm_cols{{"ID", "id"},           {"NAME", "name"},         {"STATUS", "status"},
                                  {"TASK", "task_state"}, {"POWER", "power_state"}, {"HOST", "host_id"}};

int host_cmd(cmd_env& e, const std::string& verb) {
    auto& p = e.args.positional;
    if (verb == "add" && p.size() == 4) {
        json body{{"name", p[2]}, {"uri", p[3]}};
        if (auto fp = e.args.get("ssh-fingerprint"))
            body["ssh_fingerprint"] = *fp;
        if (auto a = e.args.get("migration-address"))
            body["migration_address"] = *a;
        auto h = call(e, "POST", "/api/v1/hosts", body);
        if (!h)
            return 1;
        print_object(*h, e.as_json);
        return 0;
    }
    if (verb == "list" && p.size() == 2) {
        auto l = call(e, "GET", "/api/v1/hosts?limit=1000");
        if (!l)
            return 1;
        print_rows((*l)["items"], host_cols, e.as_json);
        return 0;
    }
    if (verb == "show" && p.size() == 3) {
        auto id = resolve(e, "hosts", p[2]);
        auto h = id ? call(e, "GET", "/api/v1/hosts/" + *id) : std::nullopt;
        if (!h)
            return 1;
        print_object(*h, e.as_json);
        return 0;
    }
    if ((verb == "enable" || verb == "disable") && p.size() == 3)
        return host_enable_cmd(e, p[2], verb == "enable");
    if (int handled = host_mobility_cmd(e, verb); handled >= 0)
        return handled;
    return usage(
        "host add NAME URI [--ssh-fingerprint SHA256:...] [--migration-address A] | host list | host ssh-key | "
        "host cpu-baseline | host show|enable|disable|maintenance|activate HOST | host remove HOST [--force] | "
        "host trust-key HOST SHA256:...");
}

int flavor_cmd(cmd_env& e, const std::string& verb) {
    auto& p = e.args.positional;
    if (verb == "create" && p.size() == 3 && e.args.get("vcpus") && e.args.get("ram-mb")) {
        json body{{"name", p[2]}};
        try {
            body["vcpus"] = std::stoll(*e.args.get("vcpus"));
            body["ram_mb"] = std::stoll(*e.args.get("ram-mb"));
            if (auto d = e.args.get("disk-gb"))
                body["disk_gb"] = std::stoll(*d);
        } catch (const std::exception&) {
            return usage("--vcpus, --ram-mb and --disk-gb take integers");
        }
        auto specs = extra_specs_option(e);
        if (!specs)
            return usage("--extra-specs takes KEY=VALUE[,KEY=VALUE...]");
        body["extra_specs"] = *specs;
        auto f = call(e, "POST", "/api/v1/flavors", body);
        if (!f)
            return 1;
        print_object(*f, e.as_json);
        return 0;
    }
    if (verb == "list" && p.size() == 2) {
        auto l = call(e, "GET", "/api/v1/flavors?limit=1000");
        if (!l)
            return 1;
        print_rows((*l)["items"], flavor_cols, e.as_json);
        return 0;
    }
    return usage("flavor create NAME --vcpus N --ram-mb N [--disk-gb N] [--extra-specs K=V,...] | flavor list");
}

int vm_cmd(cmd_env& e, const std::string& verb) {
    auto& p = e.args.positional;
    if (verb == "create" && p.size() == 3 && e.args.get("flavor")) {
        auto flavor = resolve(e, "flavors", *e.args.get("flavor"));
        if (!flavor)
            return 1;
        json body{{"name", p[2]}, {"flavor_id", *flavor}};
        if (auto h = e.args.get("host")) {
            auto host = resolve(e, "hosts", *h);
            if (!host)
                return 1;
            body["host_id"] = *host;
        }
        if (auto z = e.args.get("availability-zone"))
            body["availability_zone"] = *z;
        if (auto g = e.args.get("server-group")) {
            auto group = resolve(e, "server-groups", *g);
            if (!group)
                return 1;
            body["server_group_id"] = *group;
        }
        if (e.args.flag("dry-run"))
            return explain_cmd(e, body);
        auto r = call(e, "POST", "/api/v1/vms", body);
        return r ? accepted_reply(e, *r, "vm") : 1;
    }
    if (verb == "list" && p.size() == 2) {
        auto l =
            call(e, "GET",
                 std::string("/api/v1/vms?limit=1000") + (e.args.flag("all-projects") ? "&all_projects=true" : ""));
        if (!l)
            return 1;
        print_rows((*l)["items"], vm_cols, e.as_json);
        return 0;
    }
    if (verb == "migrate" && p.size() == 3)
        return vm_migrate_cmd(e, p[2]);
    static const std::set<std::string> verbs{"show", "delete", "start", "stop", "reboot", "suspend", "resume"};
    if (p.size() != 3 || !verbs.count(verb))
        return usage(
            "vm create NAME --flavor F [--host H] [--availability-zone Z] [--server-group G] [--dry-run] [--wait] | "
            "vm list | vm show|start|stop|reboot|suspend|"
            "resume|delete VM | vm migrate VM [--host H] [--cold] [--max-downtime-ms N] [--wait]");
    auto id = resolve(e, "vms", p[2]);
    if (!id)
        return 1;
    if (verb == "show") {
        auto v = call(e, "GET", "/api/v1/vms/" + *id);
        if (!v)
            return 1;
        print_object(*v, e.as_json);
        return 0;
    }
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

int op_cmd(cmd_env& e, const std::string& verb) {
    auto& p = e.args.positional;
    if (p.size() != 3)
        return usage("op show OP | op wait OP [--timeout S]");
    if (verb == "show") {
        auto op = call(e, "GET", "/api/v1/operations/" + p[2]);
        if (!op)
            return 1;
        print_object(*op, e.as_json);
        return 0;
    }
    if (verb == "wait")
        return wait_operation(e, p[2], std::stoi(e.args.get("timeout").value_or("600")));
    return usage("op show OP | op wait OP [--timeout S]");
}

std::string read_password(const parsed_args& a) {
    if (auto p = a.get("password"))
        return *p;
    if (const char* env = std::getenv("KUMO_PASSWORD"))
        return env;
    std::string line;
    std::getline(std::cin, line);  // --password-stdin, or a prompt-less read for scripts
    return line;
}

int login_cmd(const parsed_args& a) {
    cli_session s = load_session();
    if (auto u = a.get("url"))
        s.url = *u;
    if (s.url.empty())
        s.url = "https://127.0.0.1:8443";
    if (auto f = a.get("fingerprint"))
        s.fingerprint = *f;
    if (s.url.rfind("https://", 0) == 0 && s.fingerprint.empty()) {
        // On the daemon's own machine, its certificate file is the trust anchor.
        auto local = certificate_fingerprint(a.get("data-dir").value_or("/var/lib/kumo") + "/tls-cert.pem");
        if (local) {
            s.fingerprint = *local;
        } else {
            auto seen = api_client(s.url, "").server_fingerprint();
            if (!seen)
                return api_fail(seen.error().detail);
            return api_fail(
                fmt::format("the server presents certificate SHA256 {}; check it against the one the "
                            "daemon printed and pass it with --fingerprint",
                            *seen));
        }
    }
    api_client client(s.url, s.fingerprint);
    json body{{"username", a.get("username").value_or("admin")}, {"password", read_password(a)}};
    if (auto p = a.get("project"))
        body["project"] = *p;
    if (auto d = a.get("domain"))
        body["domain"] = *d;
    if (a.flag("cloud"))
        body["scope"] = "cloud";
    auto r = client.send("POST", "/api/v1/auth/tokens", body);
    if (!r)
        return api_fail(r.error().detail);
    if (r->status != 201)
        return api_fail(describe_problem(*r));
    s.token = (*r).body["token"];
    if (auto saved = save_session(s); !saved)
        return api_fail(saved.error().detail);
    const json& scoped = r->body["project"].is_object() ? r->body["project"] : r->body["domain"];
    fmt::print("logged in to {} as {} ({} {}), token expires {}\n", s.url, r->body["user"]["name"].get<std::string>(),
               r->body["scope"].get<std::string>(), scoped.is_object() ? scoped.value("name", "") : "cloud",
               r->body["expires_at"].get<std::string>());
    return 0;
}

}  // namespace

int run_command(const std::vector<std::string>& words) {
    static const std::set<std::string> valued{"url",
                                              "username",
                                              "password",
                                              "project",
                                              "fingerprint",
                                              "data-dir",
                                              "vcpus",
                                              "ram-mb",
                                              "disk-gb",
                                              "flavor",
                                              "host",
                                              "timeout",
                                              "output",
                                              "domain",
                                              "email",
                                              "role",
                                              "user",
                                              "group",
                                              "permissions",
                                              "action",
                                              "limit",
                                              "availability-zone",
                                              "server-group",
                                              "policy",
                                              "zone",
                                              "metadata",
                                              "extra-specs",
                                              "ssh-fingerprint",
                                              "migration-address",
                                              "max-downtime-ms"};
    static const std::set<std::string> flags{"wait",           "force", "hard",    "all-projects",
                                             "password-stdin", "cloud", "dry-run", "cold"};
    parsed_args a = parse_args(words, valued, flags);
    if (!a.error.empty())
        return usage(a.error);
    if (a.positional.empty())
        return usage("missing command");
    const std::string& noun = a.positional[0];
    if (noun == "login")
        return login_cmd(a);
    if (a.positional.size() < 2)
        return usage("missing verb for " + noun);
    cli_session s = load_session();
    if (s.token.empty())
        return api_fail("not logged in: run `kumo login` first");
    const std::string output = a.get("output").value_or("table");
    if (output != "table" && output != "json")
        return usage("-o takes table or json");
    cmd_env e{a, api_client(s.url, s.fingerprint, s.token), output == "json"};
    static const std::map<std::string, std::function<int(cmd_env&, const std::string&)>> nouns{
        {"host", host_cmd},
        {"flavor", flavor_cmd},
        {"vm", vm_cmd},
        {"op", op_cmd},
        {"domain", domain_cmd},
        {"project", project_cmd},
        {"user", user_cmd},
        {"role", role_cmd},
        {"quota", quota_cmd},
        {"audit", audit_cmd},
        {"server-group", server_group_cmd},
        {"aggregate", aggregate_cmd}};
    auto it = nouns.find(noun);
    if (it == nouns.end())
        return usage("unknown command " + noun);
    return it->second(e, a.positional[1]);
}

}  // namespace kumo::cli
