#include "kumo/scheduler/scheduler.hpp"

#include "kumo_catch.hpp"

#include <functional>

using namespace kumo;

namespace {

host_state roomy(std::string id) {
    host_state h;
    h.id = h.name = std::move(id);
    h.up = true;
    h.arch = "x86_64";
    h.hypervisor_type = "kvm";
    h.cpus = 8;
    h.ram_mb = 16384;
    h.disk_gb = 100;
    h.availability_zone = "kumo";
    return h;
}

sched_request small() {
    sched_request r;
    r.vcpus = 1;
    r.ram_mb = 512;
    r.disk_gb = 1;
    return r;
}

struct filter_case {
    const char* what;
    std::function<void(host_state&)> host;
    std::function<void(sched_request&)> request;
    std::string rejected_by;  // empty: the host passes
};

}  // namespace

TEST_CASE("each filter rejects exactly what it should", "[scheduler]") {
    const std::vector<filter_case> cases = {
        {"a roomy host passes", [](host_state&) {}, [](sched_request&) {}, ""},
        {"down", [](host_state& h) { h.up = false; }, [](sched_request&) {}, "status"},
        {"disabled", [](host_state& h) { h.enabled = false; }, [](sched_request&) {}, "status"},
        {"maintenance", [](host_state& h) { h.maintenance = true; }, [](sched_request&) {}, "status"},
        {"another host requested", [](host_state&) {}, [](sched_request& r) { r.only_host_id = "other"; },
         "requested_host"},
        {"this host requested", [](host_state&) {}, [](sched_request& r) { r.only_host_id = "h"; }, ""},
        {"a migration leaves this host", [](host_state&) {}, [](sched_request& r) { r.excluded_host_id = "h"; },
         "requested_host"},
        {"a migration leaves another host", [](host_state&) {}, [](sched_request& r) { r.excluded_host_id = "other"; },
         ""},
        {"other zone", [](host_state&) {}, [](sched_request& r) { r.availability_zone = "az2"; }, "availability_zone"},
        {"same zone", [](host_state& h) { h.availability_zone = "az2"; },
         [](sched_request& r) { r.availability_zone = "az2"; }, ""},
        {"aggregate metadata missing", [](host_state&) {}, [](sched_request& r) { r.extra_specs["ssd"] = "true"; },
         "aggregate_metadata"},
        {"aggregate metadata differs", [](host_state& h) { h.aggregate_metadata["ssd"] = {"false"}; },
         [](sched_request& r) { r.extra_specs["ssd"] = "true"; }, "aggregate_metadata"},
        {"aggregate metadata matches",
         [](host_state& h) {
             h.aggregate_metadata["ssd"] = {"false", "true"};
         },
         [](sched_request& r) { r.extra_specs["ssd"] = "true"; }, ""},
        {"scoped aggregate key", [](host_state&) {},
         [](sched_request& r) { r.extra_specs["aggregate_instance_extra_specs:gpu"] = "1"; }, "aggregate_metadata"},
        {"hw: keys are not aggregate keys", [](host_state&) {},
         [](sched_request& r) { r.extra_specs["quota:cpu_shares"] = "10"; }, ""},
        {"arch", [](host_state&) {}, [](sched_request& r) { r.required_arch = "aarch64"; }, "hardware"},
        {"hypervisor", [](host_state&) {}, [](sched_request& r) { r.required_hypervisor_type = "xen"; }, "hardware"},
        {"cpu feature missing", [](host_state& h) { h.cpu_features = {"sse4.2"}; },
         [](sched_request& r) { r.required_cpu_features = {"avx2"}; }, "hardware"},
        {"cpu feature present",
         [](host_state& h) {
             h.cpu_features = {"sse4.2", "avx2"};
         },
         [](sched_request& r) { r.required_cpu_features = {"avx2"}; }, ""},
        {"affinity, the first member goes anywhere", [](host_state&) {},
         [](sched_request& r) { r.group = group_policy::affinity; }, ""},
        {"affinity, members here", [](host_state& h) { h.group_members = 1; },
         [](sched_request& r) { r.group = group_policy::affinity; }, ""},
        {"anti-affinity, member here", [](host_state& h) { h.group_members = 1; },
         [](sched_request& r) { r.group = group_policy::anti_affinity; }, "server_group"},
        {"soft policies never filter", [](host_state& h) { h.group_members = 3; },
         [](sched_request& r) { r.group = group_policy::soft_anti_affinity; }, ""},
        {"max instances reached",
         [](host_state& h) {
             h.max_instances = 2;
             h.instances = 2;
         },
         [](sched_request&) {}, "max_instances"},
        {"max instances not reached",
         [](host_state& h) {
             h.max_instances = 3;
             h.instances = 2;
         },
         [](sched_request&) {}, ""},
        {"ram exactly fits at ratio 1.0", [](host_state& h) { h.used_ram_mb = 16384 - 512; }, [](sched_request&) {},
         ""},
        {"ram one MiB short", [](host_state& h) { h.used_ram_mb = 16384 - 511; }, [](sched_request&) {}, "ram"},
        {"reserved ram counts", [](host_state& h) { h.reserved_ram_mb = 16000; }, [](sched_request&) {}, "ram"},
        {"ram ratio 1.5 overcommits",
         [](host_state& h) {
             h.ram_ratio = 1.5;
             h.used_ram_mb = 20000;
         },
         [](sched_request&) {}, ""},
        {"vcpu ratio 4: 32 fit", [](host_state& h) { h.used_vcpus = 31; }, [](sched_request&) {}, ""},
        {"vcpu ratio 4: 33rd does not", [](host_state& h) { h.used_vcpus = 32; }, [](sched_request&) {}, "vcpu"},
        {"per-host vcpu ratio", [](host_state& h) { h.cpu_ratio = 1.0; }, [](sched_request& r) { r.vcpus = 9; },
         "vcpu"},
        {"reserved cpus", [](host_state& h) { h.reserved_cpus = 8; }, [](sched_request&) {}, "vcpu"},
        {"disk full", [](host_state& h) { h.used_disk_gb = 100; }, [](sched_request&) {}, "disk"},
        {"disk ratio 2.0",
         [](host_state& h) {
             h.disk_ratio = 2.0;
             h.used_disk_gb = 150;
         },
         [](sched_request&) {}, ""},
        {"untracked disk", [](host_state& h) { h.disk_gb = 0; }, [](sched_request& r) { r.disk_gb = 500; }, ""},
    };
    for (const auto& c : cases) {
        INFO(c.what);
        host_state h = roomy("h");
        c.host(h);
        sched_request r = small();
        c.request(r);
        auto d = schedule(r, {h}, {});
        if (c.rejected_by.empty()) {
            REQUIRE(d.chosen);
            CHECK(*d.chosen == "h");
            CHECK(d.rejected.empty());
        } else {
            CHECK_FALSE(d.chosen);
            REQUIRE(d.rejected.size() == 1);
            CHECK(d.rejected[0].filter == c.rejected_by);
            CHECK_FALSE(d.rejected[0].reason.empty());
        }
    }
}

TEST_CASE("affinity: once the group has a VM somewhere, other hosts are rejected", "[scheduler]") {
    host_state a = roomy("a"), b = roomy("b");
    b.group_members = 1;
    b.used_ram_mb = 8000;  // spread would prefer a
    sched_request r = small();
    r.group = group_policy::affinity;
    auto d = schedule(r, {a, b}, {});
    REQUIRE(d.chosen);
    CHECK(*d.chosen == "b");
    REQUIRE(d.rejected.size() == 1);
    CHECK(d.rejected[0].host_id == "a");
    CHECK(d.rejected[0].filter == "server_group");
}

TEST_CASE("a host is reported against the first filter that rejects it", "[scheduler]") {
    host_state h = roomy("h");
    h.up = false;
    h.used_ram_mb = h.ram_mb;
    auto d = schedule(small(), {h}, {});
    REQUIRE(d.rejected.size() == 1);
    CHECK(d.rejected[0].filter == "status");
    CHECK(d.rejected[0].reason == "host is down");
}

struct weigher_case {
    const char* what;
    std::function<void(host_state& a, host_state& b)> setup;
    std::function<void(sched_request&, scheduler_settings&)> config;
    std::string expect_first;
};

TEST_CASE("each weigher prefers the host it should", "[scheduler]") {
    const std::vector<weigher_case> cases = {
        {"spread: more free RAM wins", [](host_state& a, host_state&) { a.used_ram_mb = 8000; },
         [](sched_request&, scheduler_settings& s) { s.vcpu_weight = s.disk_weight = s.instances_weight = 0; }, "b"},
        {"pack: less free RAM wins", [](host_state& a, host_state&) { a.used_ram_mb = 8000; },
         [](sched_request&, scheduler_settings& s) {
             s.pack = true;
             s.vcpu_weight = s.disk_weight = s.instances_weight = 0;
         },
         "a"},
        {"spread: more free vCPUs wins", [](host_state&, host_state& b) { b.used_vcpus = 10; },
         [](sched_request&, scheduler_settings& s) { s.ram_weight = s.disk_weight = s.instances_weight = 0; }, "a"},
        {"spread: more free disk wins", [](host_state&, host_state& b) { b.used_disk_gb = 10; },
         [](sched_request&, scheduler_settings& s) { s.ram_weight = s.vcpu_weight = s.instances_weight = 0; }, "a"},
        {"a host with untracked disk is not ranked down for it",
         [](host_state& a, host_state& b) {
             a.used_disk_gb = 10;
             a.used_ram_mb = 1024;  // RAM favours b
             b.disk_gb = 0;         // no storage pool: free disk unknown (old code counted -40 GiB free)
             b.used_disk_gb = 40;
         },
         [](sched_request&, scheduler_settings& s) { s.vcpu_weight = s.instances_weight = 0; }, "b"},
        {"spread: fewer instances win", [](host_state& a, host_state&) { a.instances = 3; },
         [](sched_request&, scheduler_settings& s) { s.ram_weight = s.vcpu_weight = s.disk_weight = 0; }, "b"},
        {"pack: more instances win", [](host_state& a, host_state&) { a.instances = 3; },
         [](sched_request&, scheduler_settings& s) {
             s.pack = true;
             s.ram_weight = s.vcpu_weight = s.disk_weight = 0;
         },
         "a"},
        {"soft affinity joins the group", [](host_state&, host_state& b) { b.group_members = 1; },
         [](sched_request& r, scheduler_settings&) { r.group = group_policy::soft_affinity; }, "b"},
        {"soft affinity outweighs spread with a large multiplier",
         [](host_state& a, host_state& b) {
             b.group_members = 2;
             b.instances = 2;
             b.used_ram_mb = 1024;
             b.used_vcpus = 2;
             (void)a;
         },
         [](sched_request& r, scheduler_settings& s) {
             r.group = group_policy::soft_affinity;
             s.soft_affinity_weight = 10;
         },
         "b"},
        {"soft anti-affinity avoids the group", [](host_state& a, host_state&) { a.group_members = 1; },
         [](sched_request& r, scheduler_settings&) { r.group = group_policy::soft_anti_affinity; }, "b"},
        {"equal hosts: name breaks the tie", [](host_state&, host_state&) {},
         [](sched_request&, scheduler_settings&) {}, "a"},
        {"zero multipliers: name breaks the tie", [](host_state&, host_state& b) { b.used_ram_mb = 0; },
         [](sched_request&, scheduler_settings& s) {
             s.ram_weight = s.vcpu_weight = s.disk_weight = s.instances_weight = 0;
         },
         "a"},
    };
    for (const auto& c : cases) {
        INFO(c.what);
        host_state a = roomy("a"), b = roomy("b");
        c.setup(a, b);
        sched_request r = small();
        scheduler_settings s;
        c.config(r, s);
        // Order of input must not matter.
        for (const auto& hosts : {std::vector<host_state>{a, b}, std::vector<host_state>{b, a}}) {
            auto d = schedule(r, hosts, s);
            REQUIRE(d.chosen);
            CHECK(*d.chosen == c.expect_first);
        }
    }
}

TEST_CASE("weights are normalized to [0,1] times the multiplier", "[scheduler]") {
    host_state a = roomy("a"), b = roomy("b"), c = roomy("c");
    a.used_ram_mb = 0;
    b.used_ram_mb = 4096;
    c.used_ram_mb = 8192;
    scheduler_settings s;
    s.ram_weight = 2.0;
    s.vcpu_weight = s.disk_weight = s.instances_weight = 0;
    auto d = schedule(small(), {a, b, c}, s);
    REQUIRE(d.ranked.size() == 3);
    CHECK(d.ranked[0].host_id == "a");
    CHECK(d.ranked[0].weights.at("ram") == Approx(2.0));
    CHECK(d.ranked[1].weights.at("ram") == Approx(1.0));
    CHECK(d.ranked[2].weights.at("ram") == Approx(0.0));
}

TEST_CASE("server groups: hard and soft policies over a sequence of placements", "[scheduler]") {
    auto place_group = [](group_policy p, int n) {
        std::vector<host_state> hosts = {roomy("a"), roomy("b"), roomy("c")};
        std::vector<std::string> chosen;
        for (int i = 0; i < n; ++i) {
            sched_request r = small();
            r.group = p;
            auto d = schedule(r, hosts, {});
            if (!d.chosen)
                break;
            chosen.push_back(*d.chosen);
            for (auto& h : hosts)
                if (h.id == *d.chosen) {
                    ++h.group_members;
                    ++h.instances;
                    h.used_vcpus += r.vcpus;
                    h.used_ram_mb += r.ram_mb;
                }
        }
        return chosen;
    };
    auto aff = place_group(group_policy::affinity, 4);
    CHECK(aff == std::vector<std::string>{"a", "a", "a", "a"});
    auto anti = place_group(group_policy::anti_affinity, 4);
    CHECK(anti == std::vector<std::string>{"a", "b", "c"});  // the fourth has no valid host
    auto soft_anti = place_group(group_policy::soft_anti_affinity, 4);
    REQUIRE(soft_anti.size() == 4);
    CHECK(std::set<std::string>(soft_anti.begin(), soft_anti.begin() + 3).size() == 3);
    auto soft_aff = place_group(group_policy::soft_affinity, 3);
    CHECK(soft_aff == std::vector<std::string>{"a", "a", "a"});
}

TEST_CASE("explain lists every host with its verdict and a summary without names", "[scheduler]") {
    host_state a = roomy("node-a"), b = roomy("node-b"), c = roomy("node-c"), d = roomy("node-d");
    b.up = false;
    c.used_ram_mb = c.ram_mb;
    d.group_members = 1;
    sched_request r = small();
    r.group = group_policy::anti_affinity;
    auto out = schedule(r, {a, b, c, d}, {});
    REQUIRE(out.chosen);
    CHECK(*out.chosen == "node-a");
    REQUIRE(out.ranked.size() == 1);
    CHECK(out.ranked[0].weights.count("ram") == 1);
    REQUIRE(out.rejected.size() == 3);
    CHECK(out.rejected[0].host_id == "node-b");
    CHECK(out.rejected[0].filter == "status");
    CHECK(out.rejected[1].filter == "ram");
    CHECK(out.rejected[1].reason == "needs 512 MiB RAM, 0 free");
    CHECK(out.rejected[2].filter == "server_group");
    CHECK(out.summary == "1 of 4 hosts eligible; rejected by 1 status, 1 server_group, 1 ram");
    CHECK(out.summary.find("node-") == std::string::npos);

    auto none = schedule(r, {}, {});
    CHECK_FALSE(none.chosen);
    CHECK(none.summary == "no hosts are registered");
}

TEST_CASE("the random placer picks only eligible hosts and depends only on the seed", "[scheduler]") {
    std::vector<host_state> hosts = {roomy("a"), roomy("b"), roomy("c"), roomy("d")};
    hosts[1].up = false;
    scheduler_settings s;
    s.how = scheduler_settings::placer::random;
    std::set<std::string> seen;
    for (std::uint64_t seed = 0; seed < 200; ++seed) {
        sched_request r = small();
        r.random_seed = seed;
        auto d = schedule(r, hosts, s);
        REQUIRE(d.chosen);
        CHECK(*d.chosen != "b");
        seen.insert(*d.chosen);
        CHECK(*schedule(r, hosts, s).chosen == *d.chosen);
    }
    CHECK(seen == std::set<std::string>{"a", "c", "d"});
}

TEST_CASE("hardware requirements come from hw: extra_specs", "[scheduler]") {
    sched_request r;
    r.extra_specs = {{"hw:arch", "aarch64"}, {"hw:hypervisor_type", "xen"}, {"hw:cpu_features", "avx2, aes"}};
    apply_hardware_specs(r);
    CHECK(r.required_arch == "aarch64");
    CHECK(r.required_hypervisor_type == "xen");
    CHECK(r.required_cpu_features == std::vector<std::string>{"avx2", "aes"});
    CHECK(parse_group_policy("soft-anti-affinity") == group_policy::soft_anti_affinity);
    CHECK_FALSE(parse_group_policy("sideways"));
}
