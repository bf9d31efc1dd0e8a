// The scheduler through the real daemon on three simulated hosts (libvirt's test driver): capacity under
// concurrency, server groups, aggregates and zones, host overrides, and explain.
#include "daemon_process.hpp"

#include <future>
#include <set>
#include "kumo_catch.hpp"

using namespace kumo;
using kumo::test::call;
using kumo::test::daemon_process;

namespace {

std::string created(const cli::api_client& c, const std::string& path, const json& body) {
    auto r = call(c, "POST", path, body);
    INFO(path << " " << r.body.dump());
    REQUIRE(r.status == 201);
    return r.body["id"];
}

struct cloud {
    daemon_process d{test::make_temp_dir("kumo-sched"),
                     {"--simulate", "3"},
                     {{"KUMO_QUOTA_INSTANCES", "-1"}, {"KUMO_QUOTA_VCPUS", "-1"}, {"KUMO_QUOTA_RAM_MB", "-1"}}};
    cli::api_client admin = d.admin();
    std::vector<json> hosts;  // sorted by CPU count: 16, 32, 64

    cloud() {
        auto listed = call(admin, "GET", "/api/v1/hosts");
        INFO(listed.body.dump());
        for (const auto& h : listed.body["items"])
            hosts.push_back(h);
        REQUIRE(hosts.size() == 3);
        std::sort(hosts.begin(), hosts.end(), [](const json& a, const json& b) { return a["cpus"] < b["cpus"]; });
    }
    std::string host_id(int i) const { return hosts.at(i)["id"]; }
    std::string flavor(const std::string& name, int vcpus, json extra = json::object()) {
        return created(admin, "/api/v1/flavors",
                       {{"name", name}, {"vcpus", vcpus}, {"ram_mb", 64}, {"extra_specs", std::move(extra)}});
    }
    cli::reply create_vm(const cli::api_client& c, const std::string& name, const std::string& flavor,
                         json extra = json::object()) {
        json body{{"name", name}, {"flavor_id", flavor}};
        body.update(extra);
        return call(c, "POST", "/api/v1/vms", body);
    }
    std::string placed_on(const std::string& name, const std::string& flavor, json extra = json::object()) {
        auto r = create_vm(admin, name, flavor, std::move(extra));
        INFO(r.body.dump());
        REQUIRE(r.status == 202);
        return r.body["vm"]["host_id"];
    }
    json host(const std::string& id) { return call(admin, "GET", "/api/v1/hosts/" + id).body; }
};

}  // namespace

TEST_CASE("200 concurrent creates on hosts that fit exactly 150: 150 succeed, 50 no_valid_host", "[scheduler]") {
    cloud c;
    // 50 vCPUs per host: 16 x 3.125, 32 x 1.5625, 64 x 0.78125 (exact in binary).
    const double ratios[] = {3.125, 1.5625, 0.78125};
    for (int i = 0; i < 3; ++i) {
        auto r = call(c.admin, "PATCH", "/api/v1/hosts/" + c.host_id(i), {{"cpu_allocation_ratio", ratios[i]}});
        INFO(r.body.dump());
        REQUIRE(r.status == 200);
        CHECK(r.body["scheduling"]["capacity"]["vcpus"] == 50);
        CHECK(r.body["scheduling"]["overrides"]["cpu_allocation_ratio"] == ratios[i]);
    }
    const std::string flavor = c.flavor("one-cpu", 1);
    std::vector<std::future<cli::reply>> replies;
    for (int i = 0; i < 200; ++i)
        replies.push_back(std::async(std::launch::async,
                                     [&, i] { return c.create_vm(c.admin, "burst-" + std::to_string(i), flavor); }));
    int accepted = 0, no_host = 0;
    std::vector<std::string> ops;
    for (auto& f : replies) {
        auto r = f.get();
        if (r.status == 202) {
            ++accepted;
            ops.push_back(r.body["operation"]["id"]);
        } else if (r.status == 409 && r.body["code"] == "no_valid_host") {
            ++no_host;
            CHECK(r.body["detail"] == "no valid host: 0 of 3 hosts eligible; rejected by 3 vcpu");
        } else {
            FAIL_CHECK("unexpected answer " << r.status << " " << r.body.dump());
        }
    }
    CHECK(accepted == 150);
    CHECK(no_host == 50);
    for (const auto& op : ops)
        CHECK(test::wait_op(c.admin, op)["status"] == "succeeded");
    // No host overcommitted, and the database agrees with libvirt VM for VM.
    for (int i = 0; i < 3; ++i) {
        auto h = c.host(c.host_id(i));
        CHECK(h["scheduling"]["used"]["vcpus"] == 50);
        CHECK(h["scheduling"]["used"]["instances"] == 50);
        std::set<std::string> in_db, in_libvirt;
        auto listed = call(c.admin, "GET", "/api/v1/vms?limit=1000&host_id=" + c.host_id(i));
        INFO(listed.body.dump().substr(0, 500));
        for (const auto& v : listed.body["items"])
            in_db.insert(v["id"].get<std::string>());
        auto domains = call(c.admin, "GET", "/api/v1/hosts/" + c.host_id(i) + "/domains");
        INFO(domains.body.dump().substr(0, 300));
        REQUIRE(domains.status == 200);
        for (const auto& dom : domains.body["items"]) {
            CHECK(dom["power_state"] == "running");
            in_libvirt.insert(dom["uuid"].get<std::string>());
        }
        CHECK(in_db.size() == 50);
        CHECK(in_db == in_libvirt);
    }
    // Deleting a VM releases its claim: one more fits.
    auto vms = call(c.admin, "GET", "/api/v1/vms?limit=1").body["items"];
    auto del = call(c.admin, "DELETE", "/api/v1/vms/" + vms[0]["id"].get<std::string>());
    REQUIRE(del.status == 202);
    CHECK(test::wait_op(c.admin, del.body["operation"]["id"])["status"] == "succeeded");
    CHECK(c.create_vm(c.admin, "after-delete", flavor).status == 202);
    CHECK(c.create_vm(c.admin, "one-too-many", flavor).status == 409);
}

TEST_CASE("server groups: hard and soft affinity and anti-affinity through the API", "[scheduler]") {
    cloud c;
    const std::string flavor = c.flavor("small", 1);
    auto group = [&](const char* policy) {
        return created(c.admin, "/api/v1/server-groups", {{"name", std::string("g-") + policy}, {"policy", policy}});
    };
    const std::string anti = group("anti-affinity");
    std::set<std::string> hosts;
    for (int i = 0; i < 3; ++i)
        hosts.insert(c.placed_on("anti-" + std::to_string(i), flavor, {{"server_group_id", anti}}));
    CHECK(hosts.size() == 3);
    auto fourth = c.create_vm(c.admin, "anti-3", flavor, {{"server_group_id", anti}});
    CHECK(fourth.status == 409);
    CHECK(fourth.body["detail"] == "no valid host: 0 of 3 hosts eligible; rejected by 3 server_group");
    auto shown = call(c.admin, "GET", "/api/v1/server-groups/" + anti).body;
    CHECK(shown["members"].size() == 3);
    CHECK(shown["policy"] == "anti-affinity");
    CHECK(call(c.admin, "DELETE", "/api/v1/server-groups/" + anti).status == 409);

    const std::string aff = group("affinity");
    const std::string first = c.placed_on("aff-0", flavor, {{"server_group_id", aff}});
    for (int i = 1; i < 4; ++i)
        CHECK(c.placed_on("aff-" + std::to_string(i), flavor, {{"server_group_id", aff}}) == first);

    const std::string soft = group("soft-anti-affinity");
    std::vector<std::string> spread;
    for (int i = 0; i < 4; ++i)
        spread.push_back(c.placed_on("soft-" + std::to_string(i), flavor, {{"server_group_id", soft}}));
    CHECK(std::set<std::string>(spread.begin(), spread.begin() + 3).size() == 3);  // the fourth still fits

    auto bad_policy = call(c.admin, "POST", "/api/v1/server-groups", {{"name", "x"}, {"policy", "sideways"}});
    CHECK(bad_policy.status == 422);
    CHECK(bad_policy.body["errors"][0]["field"] == "policy");
    auto ghost = c.create_vm(c.admin, "ghost", flavor, {{"server_group_id", "no-such-group"}});
    CHECK(ghost.status == 422);
    CHECK(ghost.body["errors"][0]["field"] == "server_group_id");
    const std::string empty = group("soft-affinity");
    CHECK(call(c.admin, "DELETE", "/api/v1/server-groups/" + empty).status == 204);
}

TEST_CASE("aggregates and zones steer placement; explain tells why; host overrides apply", "[scheduler]") {
    cloud c;
    const std::string fast =
        created(c.admin, "/api/v1/aggregates",
                {{"name", "fast"}, {"availability_zone", "az-fast"}, {"metadata", {{"ssd", "true"}}}});
    auto added = call(c.admin, "PUT", "/api/v1/aggregates/" + fast + "/hosts/" + c.host_id(0));
    REQUIRE(added.status == 200);
    CHECK(added.body["hosts"] == json::array({c.host_id(0)}));
    auto zones = call(c.admin, "GET", "/api/v1/availability-zones").body["items"];
    CHECK(zones == json::array({{{"name", "az-fast"}}, {{"name", "kumo"}}}));

    // Spread alone would pick the 64-CPU host; the zone and the ssd flavor both force host 0.
    const std::string plain = c.flavor("plain", 1);
    const std::string ssd = c.flavor("ssd", 1, {{"ssd", "true"}});
    CHECK(c.placed_on("spread", plain) == c.host_id(2));
    CHECK(c.placed_on("zoned", plain, {{"availability_zone", "az-fast"}}) == c.host_id(0));
    CHECK(c.placed_on("on-ssd", ssd) == c.host_id(0));
    auto no_zone = c.create_vm(c.admin, "x", plain, {{"availability_zone", "az-nowhere"}});
    CHECK(no_zone.status == 422);
    CHECK(no_zone.body["errors"][0]["field"] == "availability_zone");

    // A host is in at most one zone.
    const std::string other =
        created(c.admin, "/api/v1/aggregates", {{"name", "other"}, {"availability_zone", "az-other"}});
    CHECK(call(c.admin, "PUT", "/api/v1/aggregates/" + other + "/hosts/" + c.host_id(0)).status == 409);

    // Explain: an administrator sees every host's verdict, creating nothing.
    auto disabled = call(c.admin, "PATCH", "/api/v1/hosts/" + c.host_id(1), {{"enabled", false}});
    REQUIRE(disabled.status == 200);
    CHECK(disabled.body["enabled"] == false);
    const auto vms_before = call(c.admin, "GET", "/api/v1/vms?limit=1000").body["items"].size();
    auto ex = call(c.admin, "POST", "/api/v1/scheduler/explain", {{"flavor_id", ssd}});
    REQUIRE(ex.status == 200);
    CHECK(ex.body["eligible"] == true);
    CHECK(ex.body["chosen_host_id"] == c.host_id(0));
    CHECK(ex.body["summary"] == "1 of 3 hosts eligible; rejected by 1 status, 1 aggregate_metadata");
    REQUIRE(ex.body["hosts"].size() == 3);
    std::map<std::string, json> verdicts;
    for (const auto& v : ex.body["hosts"])
        verdicts[v["host_id"]] = v;
    CHECK(verdicts[c.host_id(1)]["filter"] == "status");
    CHECK(verdicts[c.host_id(1)]["reason"] == "host is disabled");
    CHECK(verdicts[c.host_id(2)]["filter"] == "aggregate_metadata");
    CHECK(verdicts[c.host_id(0)]["eligible"] == true);
    CHECK(call(c.admin, "GET", "/api/v1/vms?limit=1000").body["items"].size() == vms_before);
    // A re-enabled host with max_instances 0 is rejected by that filter instead.
    REQUIRE(call(c.admin, "PATCH", "/api/v1/hosts/" + c.host_id(1), {{"enabled", true}, {"max_instances", 0}}).status ==
            200);
    auto ex2 = call(c.admin, "POST", "/api/v1/scheduler/explain", {{"flavor_id", plain}, {"host_id", c.host_id(1)}});
    CHECK(ex2.body["eligible"] == false);
    CHECK(ex2.body["summary"] == "0 of 3 hosts eligible; rejected by 2 requested_host, 1 max_instances");
    auto forced = c.create_vm(c.admin, "forced", plain, {{"host_id", c.host_id(1)}});
    CHECK(forced.status == 409);
    CHECK(forced.body["code"] == "no_valid_host");
    // Clearing the override (null) restores the config's default.
    auto cleared = call(c.admin, "PATCH", "/api/v1/hosts/" + c.host_id(1), {{"max_instances", nullptr}});
    CHECK(cleared.body["scheduling"]["overrides"]["max_instances"].is_null());
    CHECK(c.placed_on("forced", plain, {{"host_id", c.host_id(1)}}) == c.host_id(1));
    auto bad =
        call(c.admin, "PATCH", "/api/v1/hosts/" + c.host_id(1), {{"cpu_allocation_ratio", 0}, {"max_instances", 1.5}});
    CHECK(bad.status == 422);
    CHECK(bad.body["errors"].size() == 2);

    // A member sees the summary only, and may not pick a host.
    const std::string project = created(c.admin, "/api/v1/projects", {{"name", "tenant"}});
    const std::string uid = created(c.admin, "/api/v1/users", {{"name", "mallory"}, {"password", "long-enough-pw"}});
    created(c.admin, "/api/v1/role-assignments", {{"role", "member"}, {"user_id", uid}, {"project_id", project}});
    auto login = call(c.d.anonymous(), "POST", "/api/v1/auth/tokens",
                      {{"username", "mallory"}, {"password", "long-enough-pw"}, {"project", "tenant"}});
    REQUIRE(login.status == 201);
    cli::api_client member(c.d.url(), c.d.fingerprint(), login.body["token"]);
    auto mine = call(member, "POST", "/api/v1/scheduler/explain", {{"flavor_id", plain}});
    REQUIRE(mine.status == 200);
    CHECK_FALSE(mine.body.contains("hosts"));
    CHECK(mine.body["summary"].get<std::string>().find("3 hosts") != std::string::npos);
    CHECK(call(member, "POST", "/api/v1/scheduler/explain", {{"flavor_id", plain}, {"host_id", c.host_id(0)}}).status ==
          403);
    // Another project's server group is not found.
    const std::string admins_group =
        created(c.admin, "/api/v1/server-groups", {{"name", "admins"}, {"policy", "affinity"}});
    CHECK(call(member, "GET", "/api/v1/server-groups/" + admins_group).status == 404);
    auto foreign = c.create_vm(member, "sneaky", plain, {{"server_group_id", admins_group}});
    CHECK(foreign.status == 422);
}
