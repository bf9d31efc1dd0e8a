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

// Every item of a paginated collection (limit 1000 per page).
std::vector<json> all_items(const cli::api_client& c, const std::string& path) {
    std::vector<json> out;
    std::string marker;
    while (true) {
        const char sep = path.find('?') == std::string::npos ? '?' : '&';
        auto page = get(c, fmt::format("{}{}limit=1000{}", path, sep, marker.empty() ? "" : "&marker=" + marker));
        if (!page)
            return out;
        for (auto& i : (*page)["items"])
            out.push_back(i);
        if ((*page)["next"].is_null())
            return out;
        marker = (*page)["next"];
    }
}

// Waits until no VM is building (listing only those, so the polling costs the daemon little while
// the burst runs); returns {active, error} counts.
std::pair<int, int> wait_settled(const cli::api_client& c) {
    while (!all_items(c, "/api/v1/vms?all_projects=true&status=building").empty())
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    int active = 0, error = 0;
    for (const auto& v : all_items(c, "/api/v1/vms?all_projects=true")) {
        active += v["status"] == "active";
        error += v["status"] == "error";
    }
    return {active, error};
}

// No host over its capacity; the database and libvirt agree VM for VM. Returns the violations.
std::vector<std::string> check_invariants(const cli::api_client& c) {
    std::vector<std::string> bad;
    for (const auto& h : all_items(c, "/api/v1/hosts")) {
        const std::string id = h["id"];
        const auto& cap = h["scheduling"]["capacity"];
        const auto& used = h["scheduling"]["used"];
        for (const char* r : {"vcpus", "ram_mb", "instances"})
            if (!cap[r].is_null() && used[r].get<std::int64_t>() > cap[r].get<std::int64_t>())
                bad.push_back(fmt::format("host {}: {} {} over capacity {}", h["name"].get<std::string>(), r,
                                          used[r].dump(), cap[r].dump()));
        std::set<std::string> in_db, in_libvirt;
        for (const auto& v : all_items(c, "/api/v1/vms?all_projects=true&host_id=" + id))
            in_db.insert(v["id"].get<std::string>());
        auto domains = get(c, "/api/v1/hosts/" + id + "/domains");
        if (!domains) {
            bad.push_back("cannot list the domains of host " + id);
            continue;
        }
        for (const auto& d : (*domains)["items"]) {
            in_libvirt.insert(d["uuid"].get<std::string>());
            if (d["power_state"] != "running")
                bad.push_back("domain " + d["uuid"].get<std::string>() + " is " + d["power_state"].get<std::string>());
        }
        if (in_db != in_libvirt)
            bad.push_back(fmt::format("host {}: {} VMs in the database, {} domains in libvirt",
                                      h["name"].get<std::string>(), in_db.size(), in_libvirt.size()));
    }
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
    auto [active, error] = wait_settled(c);
    const double kumo_s = seconds_since(t0);
    const double rss = d.peak_rss_mib();
    const auto violations = check_invariants(c);
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
