// `kumo-bench create`: N concurrent create-VM requests against `kumo serve --simulate 3`, then the same
// N defines and starts done directly through libvirt's test driver (the floor), side by side.
#include "bench.hpp"
#include "burst.hpp"
#include "daemon_child.hpp"
#include "kumo/cli/client.hpp"
#include "kumo/core/ids.hpp"
#include "kumo/hypervisor/domain_xml.hpp"

#include <fmt/format.h>
#include <libvirt/libvirt.h>
#include <set>
#include <thread>

namespace kumo {
result<std::string> write_simulated_host(const std::string& dir, int index);  // src/host/simulated_hosts.cpp
}

namespace kumo::bench {
namespace {

std::optional<json> get(const cli::api_client& c, const std::string& path) {
    auto r = c.send("GET", path);
    if (!r || r->status != 200)
        return std::nullopt;
    return r->body;
}

// Every item of a paginated collection (limit 1000 per page); nullopt when a page cannot be read, so
// a failed listing is never mistaken for an empty one.
std::optional<std::vector<json>> all_items(const cli::api_client& c, const std::string& path) {
    std::vector<json> out;
    std::string marker;
    while (true) {
        const char sep = path.find('?') == std::string::npos ? '?' : '&';
        auto page = get(c, fmt::format("{}{}limit=1000{}", path, sep, marker.empty() ? "" : "&marker=" + marker));
        if (!page)
            return std::nullopt;
        for (auto& i : (*page)["items"])
            out.push_back(i);
        if ((*page)["next"].is_null())
            return out;
        marker = (*page)["next"];
    }
}

struct settled {
    int active = 0, error = 0;
    std::string failure;  // why the VMs could not be counted (a listing failed, or the deadline passed)
};

// Waits until no VM is building (listing only those, so the polling costs the daemon little while
// the burst runs), at most until `deadline`; then counts active and error VMs.
settled wait_settled(const cli::api_client& c, std::chrono::steady_clock::time_point deadline) {
    while (true) {
        auto building = all_items(c, "/api/v1/vms?all_projects=true&status=building");
        if (!building)
            return {0, 0, "cannot list the building VMs"};
        if (building->empty())
            break;
        if (std::chrono::steady_clock::now() > deadline)
            return {0, 0, fmt::format("{} VMs still building at the deadline", building->size())};
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    auto vms = all_items(c, "/api/v1/vms?all_projects=true");
    if (!vms)
        return {0, 0, "cannot list the VMs"};
    settled out;
    for (const auto& v : *vms) {
        out.active += v["status"] == "active";
        out.error += v["status"] == "error";
    }
    return out;
}

// One host's invariants: not over its capacity; the database and libvirt agree VM for VM.
void check_host(const cli::api_client& c, const json& h, std::vector<std::string>& bad) {
    const std::string id = h["id"];
    const auto& cap = h["scheduling"]["capacity"];
    const auto& used = h["scheduling"]["used"];
    for (const char* r : {"vcpus", "ram_mb", "instances"})
        if (!cap[r].is_null() && used[r].get<std::int64_t>() > cap[r].get<std::int64_t>())
            bad.push_back(fmt::format("host {}: {} {} over capacity {}", h["name"].get<std::string>(), r,
                                      used[r].dump(), cap[r].dump()));
    std::set<std::string> in_db, in_libvirt;
    auto vms = all_items(c, "/api/v1/vms?all_projects=true&host_id=" + id);
    auto domains = get(c, "/api/v1/hosts/" + id + "/domains");
    if (!vms || !domains) {
        bad.push_back("cannot list the VMs or domains of host " + id);
        return;
    }
    for (const auto& v : *vms)
        in_db.insert(v["id"].get<std::string>());
    for (const auto& d : (*domains)["items"]) {
        in_libvirt.insert(d["uuid"].get<std::string>());
        if (d["power_state"] != "running")
            bad.push_back("domain " + d["uuid"].get<std::string>() + " is " + d["power_state"].get<std::string>());
    }
    if (in_db != in_libvirt)
        bad.push_back(fmt::format("host {}: {} VMs in the database, {} domains in libvirt",
                                  h["name"].get<std::string>(), in_db.size(), in_libvirt.size()));
}

// Every host's invariants. Returns the violations; hosts that cannot be listed are one.
std::vector<std::string> check_invariants(const cli::api_client& c) {
    std::vector<std::string> bad;
    auto hosts = all_items(c, "/api/v1/hosts");
    if (!hosts || hosts->size() != 3) {
        bad.push_back(hosts ? fmt::format("{} hosts listed, not the 3 simulated ones", hosts->size())
                            : "cannot list the hosts: no invariant checked");
        return bad;
    }
    for (const auto& h : *hosts)
        check_host(c, h, bad);
    return bad;
}

// The floor: the same number of defines and starts straight through libvirt's test driver, one thread
// and connection per simulated host (as Kumo has one strand per host).
double libvirt_floor(int n) {
    const char* base = std::getenv("TMPDIR");
    std::string tmpl = std::string(base ? base : "/tmp") + "/kumo-floor-XXXXXX";
    if (!mkdtemp(tmpl.data()))
        return -1;
    std::vector<std::string> uris;
    for (int h = 1; h <= 3; ++h)
        uris.push_back("test://" + write_simulated_host(tmpl, h).value());
    std::vector<std::string> xml;
    for (int i = 0; i < n; ++i) {
        domain_spec spec;
        spec.uuid = new_uuid();
        spec.title = "floor-" + std::to_string(i);
        spec.kind = guest_kind::test;
        xml.push_back(render_domain_xml(spec));
    }
    const auto t0 = std::chrono::steady_clock::now();
    std::vector<std::thread> threads;
    for (int h = 0; h < 3; ++h)
        threads.emplace_back([&, h] {
            virConnectPtr conn = virConnectOpen(uris[h].c_str());
            for (int i = h; i < n; i += 3) {
                virDomainPtr d = virDomainDefineXML(conn, xml[i].c_str());
                if (d && virDomainCreate(d) == 0)
                    virDomainFree(d);
            }
            virConnectClose(conn);
        });
    for (auto& t : threads)
        t.join();
    const double s = seconds_since(t0);
    std::filesystem::remove_all(tmpl);
    return s;
}

}  // namespace

int run_create(const options& o) {
    // Simulated hosts have 16 + 32 + 64 CPUs: pick the vCPU ratio so that N one-vCPU VMs fit.
    const double ratio = std::max(4.0, std::ceil(o.vms / 112.0 * 1.25));
    daemon_child d(o.kumo_binary, {{"KUMO_QUOTA_INSTANCES", "-1"},
                                   {"KUMO_QUOTA_VCPUS", "-1"},
                                   {"KUMO_QUOTA_RAM_MB", "-1"},
                                   {"KUMO_CPU_ALLOCATION_RATIO", fmt::format("{}", ratio)},
                                   {"KUMO_RECONCILE_INTERVAL_S", "3600"}});
    cli::api_client c(d.url(), "");
    auto login = c.send("POST", "/api/v1/auth/tokens", json{{"username", "admin"}, {"password", kBenchAdminPassword}});
    if (!login || login->status != 201) {
        fmt::print(stderr, "login failed\n");
        return 1;
    }
    const std::string token = login->body["token"];
    c.set_token(token);
    auto flavor = c.send("POST", "/api/v1/flavors", json{{"name", "bench"}, {"vcpus", 1}, {"ram_mb", 64}});
    if (!flavor || flavor->status != 201) {
        fmt::print(stderr, "flavor create failed\n");
        return 1;
    }
    const auto t0 = std::chrono::steady_clock::now();
    auto burst = fire_creates(d.url(), token, flavor->body["id"], o.vms, o.concurrency);
    const double accepted_s = seconds_since(t0);
    // Generous: the deadline catches a hang, not a slow machine.
    const auto settle_limit = std::chrono::seconds(std::max(300, o.vms));
    const settled done = wait_settled(c, t0 + settle_limit);
    const int active = done.active, error = done.error;
    const double kumo_s = seconds_since(t0);
    const double rss = d.peak_rss_mib();
    auto violations = check_invariants(c);
    if (!done.failure.empty())
        violations.insert(violations.begin(), done.failure);
    const double floor_s = libvirt_floor(o.vms);

    fmt::print("kumo-bench create: {} VMs, {} in flight, 3 simulated hosts (libvirt test driver), plain HTTP\n", o.vms,
               o.concurrency);
    fmt::print("  accepted            {} / {}\n", burst.accepted, o.vms);
    fmt::print("  succeeded (active)  {}\n", active);
    fmt::print("  failed              {} at the API, {} in error\n", burst.failed, error);
    for (const auto& f : burst.failures)
        fmt::print("    e.g. {}\n", f.substr(0, 200));
    fmt::print("  accept latency ms   p50 {:.1f}  p95 {:.1f}  p99 {:.1f}\n", percentile(burst.accept_ms, 50),
               percentile(burst.accept_ms, 95), percentile(burst.accept_ms, 99));
    fmt::print("  all accepted after  {:.2f} s\n", accepted_s);
    fmt::print("  all running after   {:.2f} s\n", kumo_s);
    fmt::print("  daemon peak RSS     {:.1f} MiB\n", rss);
    fmt::print("  invariants          {}\n", violations.empty() ? "ok" : fmt::format("{} violated", violations.size()));
    for (const auto& v : violations)
        fmt::print("    {}\n", v);
    fmt::print("floor: {} defines + starts straight through libvirt's test driver: {:.2f} s\n", o.vms, floor_s);
    fmt::print("ratio kumo / floor:  {:.1f}x (target: within 2x)\n", floor_s > 0 ? kumo_s / floor_s : 0.0);
    return violations.empty() && active == o.vms ? 0 : 1;
}

}  // namespace kumo::bench
