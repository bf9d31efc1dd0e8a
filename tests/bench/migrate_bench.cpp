// Live migration through Kumo's API vs `virsh migrate` of an identical domain between the same two
// lab hosts, over the same (storage) network, alternating in the same run.
#include "bench.hpp"
#include "daemon_child.hpp"
#include "kumo/cli/client.hpp"
#include "kumo/core/ids.hpp"
#include "kumo/core/subprocess.hpp"
#include "lab.hpp"

#include <fmt/format.h>
#include <cstdlib>
#include <fstream>

namespace kumo::bench {
namespace {

std::optional<json> send(const cli::api_client& c, const std::string& m, const std::string& path,
                         const json& body = nullptr) {
    auto r = body.is_null() ? c.send(m, path) : c.send(m, path, body);
    if (!r || r->status >= 300) {
        fmt::print(stderr, "{} {}: {}\n", m, path, r ? r->body.dump() : r.error().detail);
        return std::nullopt;
    }
    return r->body;
}

// Follows an operation to its end; its final status.
std::string wait_op(const cli::api_client& c, const std::string& id) {
    for (int i = 0; i < 60; ++i) {
        auto op = send(c, "GET", "/api/v1/operations/" + id + "?wait=10");
        if (!op)
            return "unknown";
        const std::string s = (*op)["status"];
        if (s != "pending" && s != "running")
            return s;
    }
    return "timeout";
}

struct floor_domain {
    std::string keyfile, known_hosts;
    std::string uri(int n) const {
        return fmt::format("qemu+libssh2://root@198.18.0.1{}/system?keyfile={}&known_hosts={}&sshauth=privkey", n,
                           keyfile, known_hosts);
    }
    // virsh over the transport Kumo uses (libssh2), with Kumo's key and pins. Success is judged by where
    // the domain is, not by virsh's exit code (virsh 9 has crashed while exiting in the lab).
    process_output virsh(const std::vector<std::string>& args) const {
        std::vector<std::string> argv{"virsh", "-q"};
        argv.insert(argv.end(), args.begin(), args.end());
        auto r = run_process(argv, std::chrono::minutes(2));
        return r ? *r : process_output{};
    }
    bool defined_on(int n) const {
        return virsh({"-c", uri(n), "list", "--all", "--name"}).out.find("kumo-bench-floor") != std::string::npos;
    }
};

// Enrolls lab hosts 1 and 2 and starts the VM that moves, on host 1.
struct moving_vm {
    std::string id, host[3];
};
std::optional<moving_vm> start_moving_vm(const cli::api_client& c, test::lab& lab) {
    auto key = send(c, "GET", "/api/v1/hosts/ssh-key");
    if (!key)
        return std::nullopt;
    lab.authorize((*key)["public_key"]);
    moving_vm m;
    for (int n = 1; n <= 2; ++n) {
        auto h = send(c, "POST", "/api/v1/hosts",
                      {{"name", fmt::format("h{}", n)},
                       {"uri", lab.uri(n)},
                       {"migration_address", fmt::format("198.18.1.1{}", n)}});
        if (!h)
            return std::nullopt;
        m.host[n] = (*h)["id"];
    }
    auto flavor = send(c, "POST", "/api/v1/flavors", {{"name", "bench"}, {"vcpus", 1}, {"ram_mb", 64}});
    auto vm = flavor ? send(c, "POST", "/api/v1/vms",
                            {{"name", "mover"}, {"flavor_id", (*flavor)["id"]}, {"host_id", m.host[1]}})
                     : std::nullopt;
    if (!vm || wait_op(c, (*vm)["operation"]["id"]) != "succeeded")
        return fmt::print(stderr, "the VM did not start\n"), std::nullopt;
    m.id = (*vm)["vm"]["id"];
    return m;
}

// The floor's domain: Kumo's own definition of that VM under another name and UUID, on host 1.
bool start_floor_domain(const floor_domain& f, const std::string& vm_id, const std::string& xml_path) {
    std::string xml = f.virsh({"-c", f.uri(1), "dumpxml", "--migratable", "kumo-" + vm_id}).out;
    for (std::string from : {std::string("kumo-") + vm_id, vm_id})
        for (auto at = xml.find(from); at != std::string::npos; at = xml.find(from))
            xml.replace(at, from.size(), from == vm_id ? new_uuid() : "kumo-bench-floor");
    std::ofstream(xml_path) << xml;
    return f.virsh({"-c", f.uri(1), "create", xml_path}).exit_code == 0 && f.defined_on(1);
}

struct timings {
    std::vector<double> kumo_s, virsh_s;
    int failures = 0;
};

// Alternates a Kumo migration and a virsh migration of the floor, each back and forth between hosts 1 and 2.
timings migrate_rounds(const cli::api_client& c, const moving_vm& m, const floor_domain& f, int rounds) {
    timings t;
    int at = 1, floor_at = 1;
    for (int round = 0; round < rounds; ++round) {
        const int to = 3 - at;
        auto t0 = std::chrono::steady_clock::now();
        auto started = send(c, "POST", "/api/v1/vms/" + m.id + "/actions/migrate", {{"host_id", m.host[to]}});
        if (started && wait_op(c, (*started)["operation"]["id"]) == "succeeded") {
            t.kumo_s.push_back(seconds_since(t0));
            at = to;
        } else {
            ++t.failures;
        }
        const int floor_to = 3 - floor_at;
        t0 = std::chrono::steady_clock::now();
        f.virsh({"-c", f.uri(floor_at), "migrate", "--live", "--undefinesource", "kumo-bench-floor", f.uri(floor_to),
                 "--migrateuri", fmt::format("tcp://198.18.1.1{}", floor_to)});
        const double took = seconds_since(t0);
        if (f.defined_on(floor_to) && !f.defined_on(floor_at)) {
            t.virsh_s.push_back(took);
            floor_at = floor_to;
        } else {
            ++t.failures;
        }
    }
    return t;
}

}  // namespace

int run_migrate(const options& o) {
    const char* tmp = std::getenv("TMPDIR");
    test::lab lab(std::string(KUMO_SOURCE_DIR) + "/examples/lab/lab.sh",
                  std::string(tmp ? tmp : "/tmp") + "/kumo-bench-lab");
    daemon_child d(
        o.kumo_binary,
        {{"KUMO_REGISTER_LOCAL_HOST", "false"}, {"KUMO_RECONCILE_INTERVAL_S", "3600"}, {"KUMO_LOG_LEVEL", "info"}}, {});
    cli::api_client c(d.url(), "");
    auto login = c.send("POST", "/api/v1/auth/tokens", json{{"username", "admin"}, {"password", kBenchAdminPassword}});
    if (!login || login->status != 201)
        return fmt::print(stderr, "login failed\n"), 1;
    c.set_token(login->body["token"]);
    auto vm = start_moving_vm(c, lab);
    if (!vm)
        return 1;
    floor_domain f{d.data_dir() + "/ssh/id_ed25519", d.data_dir() + "/ssh/known_hosts"};
    if (!start_floor_domain(f, vm->id, d.data_dir() + "/floor.xml"))
        return fmt::print(stderr, "cannot start the floor's domain\n"), 1;

    const timings t = migrate_rounds(c, *vm, f, o.rounds);
    const double k50 = percentile(t.kumo_s, 50), v50 = percentile(t.virsh_s, 50);
    fmt::print(
        "kumo-bench migrate: live migration of a running 64 MiB KVM/QEMU guest between two lab hosts, "
        "memory over the storage network, {} rounds each, alternating\n",
        o.rounds);
    fmt::print("  kumo API (request -> operation succeeded)  p50 {:.2f} s  max {:.2f} s  ({} ok)\n", k50,
               percentile(t.kumo_s, 100), t.kumo_s.size());
    fmt::print("floor: virsh migrate --live (same guest shape, same hosts)  p50 {:.2f} s  max {:.2f} s  ({} ok)\n", v50,
               percentile(t.virsh_s, 100), t.virsh_s.size());
    fmt::print("ratio kumo / floor:  {:.2f} (target: Kumo adds under 10 %, i.e. <= 1.10)\n", v50 > 0 ? k50 / v50 : 0.0);
    fmt::print("failures: {}\n", t.failures);
    return t.failures == 0 ? 0 : 1;
}

}  // namespace kumo::bench
