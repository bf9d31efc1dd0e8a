// kill -9 while creates are in flight: every acknowledged VM survives, the database and libvirt agree,
// and no operation is left running.
#include "daemon_process.hpp"
#include "virsh.hpp"

#include "kumo/store/database.hpp"
#include "kumo_catch.hpp"

#include <future>
#include <set>
#include <thread>

using namespace kumo;

namespace {

// Operations the dead daemon left pending or running, read from its database file before a restart.
int unfinished_on_disk(const std::string& dir) {
    auto db = sql::database::open(dir + "/kumo.db");
    REQUIRE(db);
    auto st = (*db)->prepare("SELECT count(*) FROM operations WHERE status IN ('pending', 'running')");
    REQUIRE(st->step());
    return st->integer(0);
}

}  // namespace

TEST_CASE("a daemon killed during 50 creates recovers with nothing lost", "[qemu][crash]") {
    const std::string dir = test::make_temp_dir("kumo-crash");
    setenv("KUMO_CPU_ALLOCATION_RATIO", "32", 1);  // 50 one-vCPU VMs on a 2-CPU test machine
    setenv("KUMO_QUOTA_INSTANCES", "-1", 1);       // and more than the admin project's default quota
    setenv("KUMO_QUOTA_VCPUS", "-1", 1);
    std::set<std::string> acknowledged;
    const std::set<std::string> before = test::virsh_kumo_domains();  // other tests' leftovers are not ours
    {
        test::daemon_process d(dir, {});
        auto c = d.admin();
        auto f = c.send("POST", "/api/v1/flavors", json{{"name", "crash"}, {"vcpus", 1}, {"ram_mb", 32}});
        REQUIRE(f);
        REQUIRE(f->status == 201);
        const std::string flavor = f->body["id"];
        std::vector<std::future<std::string>> jobs;
        for (int i = 0; i < 50; ++i)
            jobs.push_back(std::async(std::launch::async, [&, i] {
                auto r =
                    c.send("POST", "/api/v1/vms", json{{"name", "crash-" + std::to_string(i)}, {"flavor_id", flavor}});
                return r && r->status == 202 ? r->body["vm"]["id"].get<std::string>() : std::string();
            }));
        // Kill as soon as half are acknowledged, while the host is still defining and starting domains.
        std::size_t done = 0;
        for (auto& j : jobs) {
            std::string id = j.get();
            if (!id.empty())
                acknowledged.insert(id);
            if (++done == 25)
                d.kill_hard();
        }
        REQUIRE(acknowledged.size() >= 25);
    }
    // The kill must catch work in flight, or the recovery below is tested for nothing.
    const int in_flight = unfinished_on_disk(dir);
    INFO("operations unfinished at the kill: " << in_flight);
    REQUIRE(in_flight > 0);
    test::daemon_process d(dir, {});
    auto c = d.admin();
    auto unfinished = [&] {
        int n = 0;
        for (const char* s : {"pending", "running"}) {
            auto r = c.send("GET", std::string("/api/v1/operations?limit=1000&all_projects=true&status=") + s);
            REQUIRE(r);
            n += static_cast<int>(r->body["items"].size());
        }
        return n;
    };
    // Resumed creates run one after another on the host's strand and each start gets slower as more
    // guests run on this machine's two cores (1 s for the first, about 4 s for the fiftieth, measured
    // from the operations' update times): a generous deadline, since what is tested is that nothing is
    // lost, not how fast recovery is.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(6);
    while (unfinished() > 0 && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(500));
    REQUIRE(unfinished() == 0);

    auto listed = c.send("GET", "/api/v1/vms?limit=1000");
    REQUIRE(listed);
    std::set<std::string> in_db;
    for (const auto& v : listed->body["items"]) {
        const std::string id = v["id"];
        in_db.insert(id);
        const std::string state = test::virsh_domstate(id);
        INFO(id << " api=" << v["status"] << " libvirt=" << state);
        CHECK(v["status"] == "active");
        CHECK(state == "running");
    }
    for (const auto& id : acknowledged)
        CHECK(in_db.count(id) == 1);
    std::set<std::string> expected_domains = before;
    for (const auto& id : in_db)
        expected_domains.insert("kumo-" + id);
    CHECK(test::virsh_kumo_domains() == expected_domains);

    std::vector<std::string> deletes;
    for (const auto& id : in_db) {
        auto r = c.send("DELETE", "/api/v1/vms/" + id);
        REQUIRE(r);
        REQUIRE(r->status == 202);
        deletes.push_back(r->body["operation"]["id"]);
    }
    for (const auto& op : deletes)
        CHECK(test::wait_op(c, op, 300)["status"] == "succeeded");
    CHECK(test::virsh_kumo_domains() == before);
    CHECK(d.stop() == 0);
}
