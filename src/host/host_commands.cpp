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
    if (e.as_json)
        print_object(*r, true);
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

int host_cmd(cmd_env& e, const std::string& verb) {
    const auto n = e.args.positional.size();
    if (verb == "add" && n == 4)
        return add_host(e);
    if (verb == "list" && n == 2)
        return list_reply(e, "/api/v1/hosts?limit=1000", host_cols);
    if (verb == "ssh-key" && n == 2)
        return ssh_key(e);
    if (verb == "cpu-baseline" && n == 2)
        return print_reply(e, call(e, "GET", "/api/v1/hosts/cpu-baseline"));
    if ((verb == "show" || verb == "enable" || verb == "disable") && n == 3)
        return on_host(e, verb);
    if (verb == "trust-key" && n == 4)
        return on_host(e, verb);
    return -1;
}

}  // namespace

cli::command_set host_commands() {
    return {{{"host", host_cmd,
              "host add NAME URI [--ssh-fingerprint SHA256:...] [--migration-address A] | host list | host ssh-key | "
              "host cpu-baseline | host show|enable|disable HOST | host trust-key HOST SHA256:..."}},
            {"ssh-fingerprint", "migration-address"},
            {}};
}

}  // namespace kumo
