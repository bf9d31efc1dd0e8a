// Placement micro-benchmark: decisions per second of the pure engine over synthetic hosts, with a
// trivial loop over the same hosts (reading each host's free RAM) as the floor.
#include "bench.hpp"
#include "kumo/scheduler/scheduler.hpp"

#include <fmt/format.h>

namespace kumo::bench {
namespace {

std::vector<host_state> synthetic_hosts(int n) {
    std::vector<host_state> hosts;
    for (int i = 0; i < n; ++i) {
        host_state h;
        h.id = fmt::format("{:08x}-0000-4000-8000-{:012x}", i, i);
        h.name = fmt::format("host-{:04d}", i);
        h.up = i % 50 != 7;  // a few down
        h.arch = "x86_64";
        h.hypervisor_type = "kvm";
        h.cpus = 16 << (i % 3);
        h.ram_mb = static_cast<std::int64_t>(h.cpus) * 4096;
        h.disk_gb = 2000;
        h.reserved_ram_mb = 512;
        h.availability_zone = i % 2 ? "az-1" : "az-2";
        h.aggregate_metadata["ssd"] = {i % 4 == 0 ? "true" : "false"};
        h.used_vcpus = (i * 7) % h.cpus;
        h.used_ram_mb = (i * 977) % (h.ram_mb / 2);
        h.instances = i % 11;
        h.group_members = i % 13 == 0;
        hosts.push_back(std::move(h));
    }
    return hosts;
}

struct timing {
    double per_decision_us;
    double per_second;
};

timing time_schedule(const std::vector<host_state>& hosts, int decisions) {
    sched_request r;
    r.vcpus = 2;
    r.ram_mb = 2048;
    r.disk_gb = 20;
    r.extra_specs["ssd"] = "true";
    r.group = group_policy::soft_anti_affinity;
    std::size_t chosen = 0;
    const auto t0 = std::chrono::steady_clock::now();
    for (int i = 0; i < decisions; ++i) {
        r.random_seed = static_cast<std::uint64_t>(i);
        chosen += schedule(r, hosts, {}).chosen.has_value();
    }
    const double s = seconds_since(t0);
    if (chosen != static_cast<std::size_t>(decisions))
        fmt::print("  (warning: {} of {} decisions found no host)\n", decisions - chosen, decisions);
    return {s / decisions * 1e6, decisions / s};
}

timing time_floor(const std::vector<host_state>& hosts, int decisions) {
    volatile std::int64_t sink = 0;
    const auto t0 = std::chrono::steady_clock::now();
    for (int i = 0; i < decisions; ++i) {
        std::int64_t best = 0;
        for (const auto& h : hosts)
            best = std::max(best, h.ram_mb - h.used_ram_mb);
        sink = sink + best;
    }
    const double s = seconds_since(t0);
    return {s / decisions * 1e6, decisions / s};
}

}  // namespace

int run_place(const options& o) {
    fmt::print("placement micro-benchmark (pure engine: 10 filters, 4-5 weighers)\n");
    fmt::print("{:>7} {:>14} {:>12} {:>16} {:>8}\n", "hosts", "decisions/s", "us/decision", "floor us/loop", "ratio");
    constexpr double target_us = 1000;  // one placement over 1000 hosts
    double large_us = 0;
    for (int n : {o.hosts_small, o.hosts_large}) {
        const auto hosts = synthetic_hosts(n);
        const int k = std::max(100, static_cast<int>(o.decisions * 3.0 / std::max(3, n)));
        const auto t = time_schedule(hosts, k);
        const auto f = time_floor(hosts, k * 10);
        fmt::print("{:>7} {:>14.0f} {:>12.2f} {:>16.3f} {:>8.1f}\n", n, t.per_second, t.per_decision_us,
                   f.per_decision_us, t.per_decision_us / f.per_decision_us);
        if (n == o.hosts_large)
            large_us = t.per_decision_us;
    }
    const bool met = large_us < target_us;
    fmt::print("target: one placement over {} hosts under 1 ms (1000 us): {}\n", o.hosts_large, met ? "met" : "MISSED");
    if (!met && o.report_only)
        fmt::print("  (--report-only: not a failure)\n");
    return met || o.report_only ? 0 : 1;
}

}  // namespace kumo::bench
