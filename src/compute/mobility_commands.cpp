// CLI: SSH trust, the pool's CPU baseline, maintenance mode, host removal and VM migration.
#include "kumo/cli/command_env.hpp"
#include "kumo/cli/output.hpp"

#include <fmt/format.h>

namespace kumo::cli {

int host_mobility_cmd(cmd_env& e, const std::string& verb) {
    auto& p = e.args.positional;
    if (verb == "ssh-key" && p.size() == 2) {
        auto r = call(e, "GET", "/api/v1/hosts/ssh-key");
        if (!r)
            return 1;
        if (e.as_json)
            print_object(*r, true);
        else  // just the line, for `kumo host ssh-key >> ~/.ssh/authorized_keys` on a new host
            fmt::print("{}\n", (*r)["public_key"].get<std::string>());
        return 0;
    }
    if (verb == "cpu-baseline" && p.size() == 2)
        return print_reply(e, call(e, "GET", "/api/v1/hosts/cpu-baseline"));
    static const std::set<std::string> on_host{"maintenance", "activate", "remove", "trust-key"};
    if (!on_host.count(verb) || p.size() < 3)
        return -1;
    auto id = resolve(e, "hosts", p[2]);
    if (!id)
        return 1;
    const std::string path = "/api/v1/hosts/" + *id;
    if (verb == "maintenance" && p.size() == 3) {
        auto r = call(e, "POST", path + "/actions/maintenance", json::object());
        return r ? accepted_reply(e, *r, "host") : 1;
    }
    if (verb == "activate" && p.size() == 3)
        return print_reply(e, call(e, "POST", path + "/actions/activate", json::object()));
    if (verb == "trust-key" && p.size() == 4)
        return print_reply(e, call(e, "POST", path + "/actions/trust-host-key", json{{"fingerprint", p[3]}}));
    if (verb == "remove" && p.size() == 3) {
        if (!call(e, "DELETE", path + (e.args.flag("force") ? "?force=true" : "")))
            return 1;
        if (!e.as_json)
            fmt::print("host {} removed\n", *id);
        return 0;
    }
    return -1;
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
    if (auto d = e.args.get("max-downtime-ms")) {
        try {
            body["max_downtime_ms"] = std::stoll(*d);
        } catch (const std::exception&) {
            return usage("--max-downtime-ms takes an integer");
        }
    }
    auto r = call(e, "POST", "/api/v1/vms/" + *id + "/actions/migrate", body);
    return r ? accepted_reply(e, *r, "vm") : 1;
}

}  // namespace kumo::cli
