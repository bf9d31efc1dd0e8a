// The HTTP API against a real `kumo serve --simulate 3` (libvirt test driver hosts), over TLS.
#include "daemon_process.hpp"
#include "ws_client.hpp"

#include <fstream>
#include <future>
#include <set>
#include <thread>
#include "kumo_catch.hpp"

using namespace kumo;
using kumo::test::daemon_process;

namespace {

// The test fault points of the shared daemon (kumo/core/fault_points.hpp): lines "point key".
const std::string& sim_faults_file() {
    static const std::string file = test::make_temp_dir("kumo-api-faults") + "/faults";
    return file;
}

void arm_faults(const std::string& lines) {
    std::ofstream out(sim_faults_file(), std::ios::trunc);
    out << lines;
    out.close();
    REQUIRE(out);
}

daemon_process& sim() {
    // Unlimited quotas: these tests fill the simulated hosts to their capacity from the admin project.
    static daemon_process d(test::make_temp_dir("kumo-api"), {"--simulate", "3"},
                            {{"KUMO_QUOTA_INSTANCES", "-1"},
                             {"KUMO_QUOTA_VCPUS", "-1"},
                             {"KUMO_QUOTA_RAM_MB", "-1"},
                             {"KUMO_TEST_FAULTS_FILE", sim_faults_file()}});
    return d;
}

cli::reply send(const cli::api_client& c, const std::string& m, const std::string& path,
                const std::optional<json>& body = {}) {
    auto r = c.send(m, path, body);
    REQUIRE(r);
    return *r;
}

void require_problem(const cli::reply& r, int status, const std::string& code, const std::string& field = {}) {
    INFO(r.body.dump());
    CHECK(r.status == status);
    CHECK(r.body.value("code", "") == code);
    CHECK(r.body.value("status", 0) == status);
    CHECK_FALSE(r.body.value("request_id", "").empty());
    if (!field.empty()) {
        bool named = false;
        for (const auto& e : r.body.value("errors", json::array()))
            named = named || e.value("field", "") == field;
        CHECK(named);
    }
}

std::string make_flavor(const cli::api_client& c, const std::string& name, int vcpus = 1, int ram = 256) {
    auto r = send(c, "POST", "/api/v1/flavors", json{{"name", name}, {"vcpus", vcpus}, {"ram_mb", ram}});
    REQUIRE(r.status == 201);
    return r.body["id"];
}

// Creates a VM and waits for it to be active.
std::string make_vm(const cli::api_client& c, const std::string& name, const std::string& flavor) {
    auto r = send(c, "POST", "/api/v1/vms", json{{"name", name}, {"flavor_id", flavor}});
    REQUIRE(r.status == 202);
    REQUIRE(r.location == "/api/v1/operations/" + r.body["operation"]["id"].get<std::string>());
    auto op = test::wait_op(c, r.body["operation"]["id"]);
    REQUIRE(op["status"] == "succeeded");
    return r.body["vm"]["id"];
}

json act(const cli::api_client& c, const std::string& vm, const std::string& action, json body = json::object()) {
    auto r = send(c, "POST", "/api/v1/vms/" + vm + "/actions/" + action, body);
    INFO(r.body.dump());
    REQUIRE(r.status == 202);
    return test::wait_op(c, r.body["operation"]["id"]);
}

}  // namespace

TEST_CASE("health and version answer without a token", "[api]") {
    auto c = sim().anonymous();
    auto h = send(c, "GET", "/api/v1/health");
    CHECK(h.status == 200);
    CHECK(h.body["hosts_total"] == 3);
    auto v = send(c, "GET", "/api/v1/version");
    CHECK(v.status == 200);
    CHECK(v.body["api"] == "v1");
}

TEST_CASE("request ids are echoed or generated", "[api]") {
    auto c = sim().anonymous();
    auto generated = send(c, "GET", "/api/v1/health");
    CHECK(generated.request_id.size() == 36);
    c.set_request_id("trace-me-42");
    auto echoed = send(c, "GET", "/api/v1/nope");
    CHECK(echoed.request_id == "trace-me-42");
    CHECK(echoed.body["request_id"] == "trace-me-42");
}

TEST_CASE("the web page is served, and nothing outside web/", "[api]") {
    auto c = sim().anonymous();
    auto page = c.send("GET", "/");
    REQUIRE(page);
    CHECK(page->status == 200);
    CHECK(page->content_type.rfind("text/html", 0) == 0);
    for (const char* path : {"/../CMakeLists.txt", "/%2e%2e/CMakeLists.txt", "/.hidden", "/nope.js"}) {
        auto r = c.send("GET", path);
        REQUIRE(r);
        INFO(path);
        CHECK(r->status == 404);
    }
    auto doc = send(c, "GET", "/api/v1/openapi.json");
    CHECK(doc.body["openapi"] == "3.1.0");
}

TEST_CASE("everything else needs a valid bearer token", "[api]") {
    auto anon = sim().anonymous();
    for (const char* path : {"/api/v1/vms", "/api/v1/hosts", "/api/v1/flavors", "/api/v1/operations"})
        require_problem(send(anon, "GET", path), 401, "unauthenticated");
    auto admin = sim().admin();
    auto me = send(admin, "GET", "/api/v1/auth/me");
    REQUIRE(me.status == 200);
    CHECK(me.body["user"]["name"] == "admin");

    cli::api_client forged(sim().url(), sim().fingerprint(), "v1.e30.AAAA");
    require_problem(send(forged, "GET", "/api/v1/vms"), 401, "unauthenticated");
}

TEST_CASE("login rejects wrong passwords and malformed bodies", "[api]") {
    auto c = sim().anonymous();
    require_problem(send(c, "POST", "/api/v1/auth/tokens", json{{"username", "admin"}, {"password", "nope"}}), 401,
                    "unauthenticated");
    require_problem(send(c, "POST", "/api/v1/auth/tokens", json{{"username", "ghost"}, {"password", "nope"}}), 401,
                    "unauthenticated");
    require_problem(send(c, "POST", "/api/v1/auth/tokens", json{{"username", "admin"}}), 422, "validation_failed",
                    "password");
}

// The lockout outlasts the test however slow the machine is; its end is tested in the unit tier with
// an injected clock (tests/identity/login_throttle_test.cpp).
TEST_CASE("failed logins are rate limited, whatever the password while locked", "[api]") {
    daemon_process d(test::make_temp_dir("kumo-throttle"), {"--simulate", "1"},
                     {{"KUMO_LOGIN_MAX_FAILURES", "5"}, {"KUMO_LOGIN_LOCKOUT_S", "600"}});
    auto c = d.anonymous();
    const json wrong{{"username", "admin"}, {"password", "not-it"}};
    const json right{{"username", "admin"}, {"password", test::kTestAdminPassword}};
    int refused = 0, limited = 0;
    std::string retry_after;
    for (int i = 0; i < 100; ++i) {
        auto r = send(c, "POST", "/api/v1/auth/tokens", wrong);
        refused += r.status == 401;
        limited += r.status == 429;
        if (r.status == 429) {
            retry_after = r.retry_after;
            CHECK(r.body["code"] == "rate_limited");
        }
    }
    CHECK(refused == 5);
    CHECK(limited == 95);
    INFO("Retry-After: " << retry_after);
    REQUIRE_FALSE(retry_after.empty());
    CHECK(std::stoi(retry_after) > 0);
    CHECK(std::stoi(retry_after) <= 600);
    CHECK(send(c, "POST", "/api/v1/auth/tokens", right).status == 429);  // locked, whatever the password
}

TEST_CASE("unknown users meet the same login counter as real ones", "[api]") {
    // So the answers do not reveal who exists.
    daemon_process d(test::make_temp_dir("kumo-throttle-ghost"), {"--simulate", "1"},
                     {{"KUMO_LOGIN_MAX_FAILURES", "5"}, {"KUMO_LOGIN_LOCKOUT_S", "600"}});
    auto c = d.anonymous();
    const json ghost{{"username", "ghost"}, {"password", "x"}};
    for (int i = 0; i < 5; ++i)
        CHECK(send(c, "POST", "/api/v1/auth/tokens", ghost).status == 401);
    CHECK(send(c, "POST", "/api/v1/auth/tokens", ghost).status == 429);
}

TEST_CASE("a revoked token stops working", "[api]") {
    auto c = sim().admin();
    CHECK(send(c, "DELETE", "/api/v1/auth/tokens/current").status == 204);
    require_problem(send(c, "GET", "/api/v1/vms"), 401, "unauthenticated");
}

TEST_CASE("simulated hosts are up with their own inventory", "[api]") {
    auto c = sim().admin();
    auto r = send(c, "GET", "/api/v1/hosts");
    REQUIRE(r.status == 200);
    REQUIRE(r.body["items"].size() == 3);
    std::set<int> cpus;
    for (const auto& h : r.body["items"]) {
        CHECK(h["status"] == "up");
        CHECK(h["hypervisor"] == "TEST");
        CHECK(h["memory_mb"].get<long>() > 0);
        cpus.insert(h["cpus"].get<int>());
    }
    CHECK(cpus.size() == 3);
    auto one = send(c, "GET", "/api/v1/hosts/" + r.body["items"][0]["id"].get<std::string>());
    CHECK(one.status == 200);
}

TEST_CASE("flavor bad input gets the right problem, naming the field", "[api]") {
    auto c = sim().admin();
    auto raw = c.send("POST", "/api/v1/flavors", std::nullopt, "{\"name\": ", "application/json");
    REQUIRE(raw);
    require_problem(*raw, 400, "bad_request");
    require_problem(send(c, "POST", "/api/v1/flavors", json{{"name", "f"}, {"vcpus", "two"}, {"ram_mb", 1}}), 422,
                    "validation_failed", "vcpus");
    require_problem(send(c, "POST", "/api/v1/flavors", json{{"name", "f"}, {"vcpus", 1}}), 422, "validation_failed",
                    "ram_mb");
    require_problem(send(c, "POST", "/api/v1/flavors", json{{"name", "f"}, {"vcpus", 0}, {"ram_mb", 64}}), 422,
                    "validation_failed", "vcpus");
    require_problem(
        send(c, "POST", "/api/v1/flavors", json{{"name", "f"}, {"vcpus", 1}, {"ram_mb", 64}, {"owner", "x"}}), 422,
        "validation_failed", "owner");
    require_problem(send(c, "POST", "/api/v1/flavors", json{{"name", "bad\nname"}, {"vcpus", 1}, {"ram_mb", 64}}), 422,
                    "validation_failed", "name");
    require_problem(send(c, "POST", "/api/v1/flavors", json::array()), 422, "validation_failed", "body");
    make_flavor(c, "dup");
    require_problem(send(c, "POST", "/api/v1/flavors", json{{"name", "dup"}, {"vcpus", 1}, {"ram_mb", 64}}), 409,
                    "conflict");
}

TEST_CASE("oversized bodies are refused with 413", "[api]") {
    auto c = sim().admin();
    const std::string big = "{\"name\": \"" + std::string(2 << 20, 'x') + "\"}";
    auto r = c.send("POST", "/api/v1/flavors", std::nullopt, big, "application/json");
    REQUIRE(r);
    require_problem(*r, 413, "payload_too_large");
    CHECK(send(c, "GET", "/api/v1/health").status == 200);  // the server is unharmed
}

TEST_CASE("unknown ids answer 404", "[api]") {
    auto c = sim().admin();
    const std::string ghost = "00000000-0000-4000-8000-000000000000";
    for (const std::string path : {"/api/v1/vms/", "/api/v1/flavors/", "/api/v1/hosts/", "/api/v1/operations/"})
        require_problem(send(c, "GET", path + ghost), 404, "not_found");
    require_problem(send(c, "POST", "/api/v1/vms/" + ghost + "/actions/start"), 404, "not_found");
    require_problem(send(c, "DELETE", "/api/v1/vms/" + ghost), 404, "not_found");
    require_problem(send(c, "GET", "/api/v1/nothing-here"), 404, "not_found");
}

TEST_CASE("bogus and unreachable host URIs create nothing", "[api]") {
    auto c = sim().admin();
    require_problem(send(c, "POST", "/api/v1/hosts", json{{"name", "x"}, {"uri", "lxc:///"}}), 422, "validation_failed",
                    "uri");
    require_problem(send(c, "POST", "/api/v1/hosts", json{{"name", "x"}, {"uri", "test:///default"}}), 422,
                    "validation_failed", "uri");
    require_problem(send(c, "POST", "/api/v1/hosts", json{{"name", "x"}, {"uri", "test:///no/such/file.xml"}}), 502,
                    "host_unreachable");
    require_problem(send(c, "POST", "/api/v1/hosts", json{{"name", "x"}}), 422, "validation_failed", "uri");
    CHECK(send(c, "GET", "/api/v1/hosts").body["items"].size() == 3);
}

TEST_CASE("vm create validates its references", "[api]") {
    auto c = sim().admin();
    const std::string ghost = "00000000-0000-4000-8000-000000000000";
    require_problem(send(c, "POST", "/api/v1/vms", json{{"name", "v"}, {"flavor_id", ghost}}), 422, "validation_failed",
                    "flavor_id");
    const std::string f = make_flavor(c, "refs");
    require_problem(send(c, "POST", "/api/v1/vms", json{{"name", "v"}, {"flavor_id", f}, {"host_id", ghost}}), 422,
                    "validation_failed", "host_id");
    require_problem(send(c, "POST", "/api/v1/vms", json{{"name", "v"}, {"flavor_id", f}, {"project_id", ghost}}), 422,
                    "validation_failed", "project_id");
    auto huge = make_flavor(c, "huge", 256, 4 * 1024 * 1024);
    require_problem(send(c, "POST", "/api/v1/vms", json{{"name", "v"}, {"flavor_id", huge}}), 409, "no_valid_host");
    auto all = send(c, "GET", "/api/v1/vms?name=v");
    CHECK(all.body["items"].empty());  // nothing half-created
}

TEST_CASE("20 concurrent creates all succeed", "[api]") {
    auto c = sim().admin();
    const std::string f = make_flavor(c, "conc");
    std::vector<std::future<std::string>> jobs;
    for (int i = 0; i < 20; ++i)
        jobs.push_back(std::async(std::launch::async, [&, i] {
            auto r = c.send("POST", "/api/v1/vms", json{{"name", "conc-" + std::to_string(i)}, {"flavor_id", f}});
            return r && r->status == 202 ? r->body["operation"]["id"].get<std::string>() : std::string();
        }));
    std::set<std::string> ops;
    for (auto& j : jobs)
        ops.insert(j.get());
    REQUIRE(ops.size() == 20);
    REQUIRE_FALSE(ops.count(""));
    for (const auto& op : ops)
        CHECK(test::wait_op(c, op)["status"] == "succeeded");
    auto listed = send(c, "GET", "/api/v1/vms?limit=1000");
    int active = 0;
    for (const auto& v : listed.body["items"])
        if (v["name"].get<std::string>().rfind("conc-", 0) == 0 && v["status"] == "active")
            ++active;
    CHECK(active == 20);
    auto page1 = send(c, "GET", "/api/v1/vms?limit=5");
    REQUIRE(page1.body["items"].size() == 5);
    REQUIRE(page1.body["next"].is_string());
    auto page2 = send(c, "GET", "/api/v1/vms?limit=5&marker=" + page1.body["next"].get<std::string>());
    CHECK(page2.body["items"][0]["id"] != page1.body["items"][0]["id"]);
    require_problem(send(c, "GET", "/api/v1/vms?limit=0"), 422, "validation_failed", "limit");
}

TEST_CASE("every vm action moves the vm through its states", "[api]") {
    auto c = sim().admin();
    const std::string vm = make_vm(c, "cycle", make_flavor(c, "cycle"));
    auto status = [&] { return send(c, "GET", "/api/v1/vms/" + vm).body["status"].get<std::string>(); };
    CHECK(status() == "active");
    require_problem(send(c, "POST", "/api/v1/vms/" + vm + "/actions/start"), 409, "conflict");
    require_problem(send(c, "POST", "/api/v1/vms/" + vm + "/actions/fly"), 404, "not_found");
    require_problem(send(c, "POST", "/api/v1/vms/" + vm + "/actions/stop", json{{"force", "yes"}}), 422,
                    "validation_failed", "force");
    CHECK(act(c, vm, "suspend")["status"] == "succeeded");
    CHECK(status() == "suspended");
    CHECK(act(c, vm, "resume")["status"] == "succeeded");
    CHECK(status() == "active");
    CHECK(act(c, vm, "reboot")["status"] == "succeeded");
    CHECK(status() == "active");
    CHECK(act(c, vm, "stop")["status"] == "succeeded");
    CHECK(status() == "stopped");
    CHECK(act(c, vm, "start")["status"] == "succeeded");
    CHECK(act(c, vm, "stop", json{{"force", true}})["status"] == "succeeded");
    CHECK(status() == "stopped");
    auto del = send(c, "DELETE", "/api/v1/vms/" + vm);
    REQUIRE(del.status == 202);
    CHECK(test::wait_op(c, del.body["operation"]["id"])["status"] == "succeeded");
    require_problem(send(c, "GET", "/api/v1/vms/" + vm), 404, "not_found");
}

TEST_CASE("a task that throws ends its operation and frees its vm for the next action", "[api]") {
    auto c = sim().admin();
    const std::string vm = make_vm(c, "thrower", make_flavor(c, "thrower"));
    arm_faults("vm-task-throws " + vm + "\n");
    auto stop = send(c, "POST", "/api/v1/vms/" + vm + "/actions/stop");
    REQUIRE(stop.status == 202);
    const json crashed = test::wait_op(c, stop.body["operation"]["id"]);
    arm_faults("");
    INFO(crashed.dump());
    CHECK(crashed["status"] == "failed");
    CHECK(crashed["error"]["code"] == "internal");
    auto after = send(c, "GET", "/api/v1/vms/" + vm).body;
    INFO(after.dump());
    CHECK(after["task_state"].is_null());                // the crash handler let go of the vm's task
    CHECK(after["status"] == "active");                  // not building: its status stays what the host says
    CHECK(act(c, vm, "stop")["status"] == "succeeded");  // the next action is not refused as busy
    auto del = send(c, "DELETE", "/api/v1/vms/" + vm);
    REQUIRE(del.status == 202);
    CHECK(test::wait_op(c, del.body["operation"]["id"])["status"] == "succeeded");
}

TEST_CASE("the events stream reports changes", "[api][events]") {
    auto c = sim().admin();
    auto login = send(sim().anonymous(), "POST", "/api/v1/auth/tokens",
                      json{{"username", "admin"}, {"password", test::kTestAdminPassword}});
    test::ws_client ws(sim().url(), sim().fingerprint(), login.body["token"]);
    const std::string f = make_flavor(c, "evented");
    bool seen = false;
    for (int i = 0; i < 20 && !seen; ++i) {
        json e = ws.next();
        seen = e["type"] == "flavor" && e["action"] == "created" && e["id"] == f;
    }
    CHECK(seen);
    CHECK_THROWS(test::ws_client(sim().url(), sim().fingerprint(), "v1.bad.token"));
}

TEST_CASE("SIGTERM stops the daemon cleanly", "[api][shutdown]") {
    daemon_process d(test::make_temp_dir("kumo-term"), {"--simulate", "1"});
    CHECK(d.stop() == 0);
}
