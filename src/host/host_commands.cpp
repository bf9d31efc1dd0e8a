// kumo host: enrollment, listing, enable/disable, Kumo's SSH key, the pool's baseline CPU, trusting a
// changed host key.
#include "kumo/host/commands.hpp"

#include <fmt/format.h>

namespace kumo {
namespace {

using namespace kumo::cli;

const std::vector<column> host_cols{{"ID", "id"},          {"NAME", "name"}, {"STATUS", "status"},
                                    {"TYPE", "virt_type"}, {"CPUS", "cpus"}, {"MEMORY_MB", "memory_mb"},
                                    {"URI", "uri"}};

int add_host(cmd_env& e) {
    auto& p = e.args.positional;
    json body{{"name", p[2]}, {"uri", p[3]}};
    if (auto fp = e.args.get("ssh-fingerprint"))
        body["ssh_fingerprint"] = *fp;
    if (auto a = e.args.get("migration-address"))
        body["migration_address"] = *a;
    return print_reply(e, call(e, "POST", "/api/v1/hosts", body));
}

int ssh_key(cmd_env& e) {
    auto r = call(e, "GET", "/api/v1/hosts/ssh-key");
    if (!r)
        return 1;
    if (!e.as_table())
        print_object(*r, e.out);
    else  // just the line, for `kumo host ssh-key >> ~/.ssh/authorized_keys` on a new host
        fmt::print("{}\n", (*r)["public_key"].get<std::string>());
    return 0;
}

// The verbs that name one host: show, enable, disable, trust-key.
int on_host(cmd_env& e, const std::string& verb) {
    auto& p = e.args.positional;
    auto id = resolve(e, "hosts", p[2]);
    if (!id)
        return 1;
    const std::string path = "/api/v1/hosts/" + *id;
    if (verb == "show")
        return print_reply(e, call(e, "GET", path));
    if (verb == "trust-key")
        return print_reply(e, call(e, "POST", path + "/actions/trust-host-key", json{{"fingerprint", p[3]}}));
    return print_reply(e, call(e, "PATCH", path, json{{"enabled", verb == "enable"}}));
}

}  // namespace

cli::command_set host_commands() {
    auto on_one = [](const char* verb) { return [verb](cmd_env& e) { return on_host(e, verb); }; };
    return {{{"host",
              "hypervisor hosts",
              {{"add",
                "enroll a host",
                {"NAME", "URI"},
                {opt("ssh-fingerprint", "the host's SSH key, SHA256:..."),
                 opt("migration-address", "address other hosts reach it at for migration")},
                add_host},
               {"list",
                "list hosts",
                {},
                {},
                [](cmd_env& e) { return list_reply(e, "/api/v1/hosts?limit=1000", host_cols); }},
               {"ssh-key", "Kumo's SSH public key (for authorized_keys on a new host)", {}, {}, ssh_key},
               {"cpu-baseline",
                "the CPU model every host offers",
                {},
                {},
                [](cmd_env& e) { return print_reply(e, call(e, "GET", "/api/v1/hosts/cpu-baseline")); }},
               {"show", "show one host", {"HOST"}, {}, on_one("show")},
               {"enable", "let the scheduler place VMs on the host", {"HOST"}, {}, on_one("enable")},
               {"disable", "keep new VMs off the host", {"HOST"}, {}, on_one("disable")},
               {"trust-key", "accept the host's changed SSH key", {"HOST", "FINGERPRINT"}, {}, on_one("trust-key")}}}}};
}

}  // namespace kumo
