// kumo flavor, kumo vm (create, list, show, the lifecycle actions, delete) and kumo keypair.
#include "compute_commands.hpp"
#include "kumo/compute/commands.hpp"

#include <fmt/format.h>
#include <fstream>
#include <sstream>

namespace kumo {
namespace {

using namespace kumo::cli;

const std::vector<column> flavor_cols{
    {"ID", "id"}, {"NAME", "name"}, {"VCPUS", "vcpus"}, {"RAM_MB", "ram_mb"}, {"DISK_GB", "disk_gb"}};
const std::vector<column> vm_cols{{"ID", "id"},           {"NAME", "name"},         {"STATUS", "status"},
                                  {"TASK", "task_state"}, {"POWER", "power_state"}, {"HOST", "host"}};
const std::vector<column> keypair_cols{{"NAME", "name"}, {"FINGERPRINT", "fingerprint"}, {"TYPE", "type"}};

int create_flavor(cmd_env& e) {
    json body{
        {"name", e.args.positional[2]}, {"vcpus", *e.args.integer("vcpus")}, {"ram_mb", *e.args.integer("ram-mb")}};
    if (auto d = e.args.integer("disk-gb"))
        body["disk_gb"] = *d;
    auto s = e.args.get("extra-specs");
    auto specs = s ? parse_pairs(*s) : std::optional<json>(json::object());
    if (!specs)
        return usage("--extra-specs takes KEY=VALUE[,KEY=VALUE...]");
    body["extra_specs"] = *specs;
    return print_reply(e, call(e, "POST", "/api/v1/flavors", body));
}

int on_flavor(cmd_env& e, bool remove) {
    auto id = resolve(e, "flavors", e.args.positional[2]);
    if (!id)
        return 1;
    return remove ? delete_reply(e, "/api/v1/flavors/" + *id, *id)
                  : print_reply(e, call(e, "GET", "/api/v1/flavors/" + *id));
}

// --NAME REF resolved in `collection` into body[field]; false when it does not resolve.
bool resolved_into(cmd_env& e, json& body, const char* option, const char* collection, const char* field) {
    auto ref = e.args.get(option);
    if (!ref)
        return true;
    auto id = resolve(e, collection, *ref);
    if (id)
        body[field] = *id;
    return id.has_value();
}

// The create body from the options (names resolved to ids); nullopt when one did not resolve.
std::optional<json> vm_create_body(cmd_env& e) {
    auto flavor = resolve(e, "flavors", *e.args.get("flavor"));
    if (!flavor)
        return std::nullopt;
    json body{{"name", e.args.positional[2]}, {"flavor_id", *flavor}};
    if (!resolved_into(e, body, "host", "hosts", "host_id") ||
        !resolved_into(e, body, "server-group", "server-groups", "server_group_id") ||
        !resolved_into(e, body, "image", "images", "image_id"))
        return std::nullopt;
    if (auto z = e.args.get("availability-zone"))
        body["availability_zone"] = *z;
    if (auto k = e.args.get("key-name"))
        body["key_name"] = *k;
    if (auto f = e.args.get("user-data")) {
        std::ifstream in(*f, std::ios::binary);
        if (!in) {
            usage("--user-data: cannot read " + *f);
            return std::nullopt;
        }
        std::stringstream text;
        text << in.rdbuf();
        body["user_data"] = text.str();
    }
    return body;
}

int create_vm(cmd_env& e) {
    auto body = vm_create_body(e);
    if (!body)
        return 1;
    if (e.args.flag("dry-run"))
        return explain_cmd(e, *body);
    auto r = call(e, "POST", "/api/v1/vms", *body);
    return r ? accepted_reply(e, *r, "vm") : 1;
}

// The table shows host names: a UUID column tells a person nothing.
int list_vms(cmd_env& e) {
    auto l = call(e, "GET",
                  std::string("/api/v1/vms?limit=1000") + (e.args.flag("all-projects") ? "&all_projects=true" : ""));
    if (!l)
        return 1;
    json rows = (*l)["items"];
    if (!e.as_json()) {
        const auto hosts = names_by_id(e, "hosts");
        for (auto& r : rows) {
            const std::string id = r.value("host_id", "");
            r["host"] = hosts.count(id) ? json(hosts.at(id)) : r.value("host_id", json());
        }
    }
    print_rows(rows, vm_cols, e.out);
    return 0;
}

// show, delete and the actions on one VM.
int act_on_vm(cmd_env& e, const std::string& verb) {
    auto id = resolve(e, "vms", e.args.positional[2]);
    if (!id)
        return 1;
    if (verb == "show")
        return print_reply(e, call(e, "GET", "/api/v1/vms/" + *id));
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

int create_keypair(cmd_env& e) {
    json body{{"name", e.args.positional[2]}};
    if (auto f = e.args.get("public-key-file")) {
        std::ifstream in(*f);
        std::string line;
        if (!in || !std::getline(in, line))
            return usage("--public-key-file: cannot read " + *f);
        body["public_key"] = line;
    } else if (auto k = e.args.get("public-key")) {
        body["public_key"] = *k;
    } else {
        return usage("keypair create needs --public-key or --public-key-file");
    }
    return print_reply(e, call(e, "POST", "/api/v1/keypairs", body));
}

noun_spec flavor_noun() {
    return {"flavor",
            "VM sizes",
            {{"create",
              "create a flavor",
              {"NAME"},
              {opt_integer("vcpus", "virtual CPUs", 1, 1024, true),
               opt_integer("ram-mb", "memory in MiB", 1, 1 << 24, true),
               opt_integer("disk-gb", "root disk in GiB", 0, 1 << 20), opt("extra-specs", "KEY=VALUE[,KEY=VALUE...]")},
              create_flavor},
             {"list",
              "list flavors",
              {},
              {},
              [](cmd_env& e) { return list_reply(e, "/api/v1/flavors?limit=1000", flavor_cols); }},
             {"show", "show one flavor", {"FLAVOR"}, {}, [](cmd_env& e) { return on_flavor(e, false); }},
             {"delete", "delete a flavor", {"FLAVOR"}, {}, [](cmd_env& e) { return on_flavor(e, true); }}}};
}

noun_spec keypair_noun() {
    auto path = [](cmd_env& e) { return "/api/v1/keypairs/" + e.args.positional[2]; };
    return {"keypair",
            "SSH public keys for new VMs",
            {{"create",
              "import a public key",
              {"NAME"},
              {opt("public-key", "the key line (ssh-ed25519 AAAA...)"), opt("public-key-file", "read it from a file")},
              create_keypair},
             {"list",
              "list key pairs",
              {},
              {},
              [](cmd_env& e) { return list_reply(e, "/api/v1/keypairs?limit=1000", keypair_cols); }},
             {"show",
              "show one key pair",
              {"NAME"},
              {},
              [path](cmd_env& e) { return print_reply(e, call(e, "GET", path(e))); }},
             {"delete", "delete a key pair", {"NAME"}, {}, [path](cmd_env& e) {
                  return delete_reply(e, path(e), e.args.positional[2]);
              }}}};
}

noun_spec vm_noun() {
    auto act = [](const char* verb) { return [verb](cmd_env& e) { return act_on_vm(e, verb); }; };
    noun_spec n{
        "vm",
        "virtual machines",
        {{"create",
          "create a VM",
          {"NAME"},
          {opt_required("flavor", "flavor name or id"), opt("image", "boot image name or id"),
           opt("key-name", "key pair for the guest's authorized_keys"), opt("user-data", "FILE handed to cloud-init"),
           opt("host", "host name or id (administrators)"), opt("availability-zone", "zone"),
           opt("server-group", "server group name or id"), opt_flag("dry-run", "only explain where it would go")},
          create_vm,
          true},
         {"list", "list VMs", {}, {opt_flag("all-projects", "every project's (administrators)")}, list_vms},
         {"show", "show one VM", {"VM"}, {}, act("show")},
         {"start", "start a stopped VM", {"VM"}, {}, act("start"), true},
         {"stop", "stop a VM", {"VM"}, {opt_flag("force", "power off")}, act("stop"), true},
         {"reboot", "reboot a VM", {"VM"}, {opt_flag("hard", "reset")}, act("reboot"), true},
         {"suspend", "suspend a VM", {"VM"}, {}, act("suspend"), true},
         {"resume", "resume a suspended VM", {"VM"}, {}, act("resume"), true},
         {"delete", "delete a VM", {"VM"}, {}, act("delete"), true},
         {"migrate",
          "move a VM to another host",
          {"VM"},
          {opt("host", "target host"), opt_flag("cold", "stop-and-move instead of live"),
           opt_integer("max-downtime-ms", "live migration's allowed pause", 1, 600000)},
          [](cmd_env& e) { return vm_migrate_cmd(e, e.args.positional[2]); },
          true}}};
    for (auto& v : vm_more_verbs())
        n.verbs.push_back(std::move(v));
    return n;
}

}  // namespace

cli::command_set compute_commands() {
    return {{flavor_noun(), vm_noun(), keypair_noun(), host_mobility_noun()}};
}

}  // namespace kumo
