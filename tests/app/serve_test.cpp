// `kumo serve` as an operator meets it: plain HTTP on the TLS port, 405 with Allow, one daemon per data
// directory, nothing made before the listen address works, simulated hosts' limits said up front, the
// last cloud administrator kept, and the offline recovery.
#include "daemon_process.hpp"
#include "kumo/core/subprocess.hpp"

#include <filesystem>
#include "kumo_catch.hpp"

using namespace kumo;
using kumo::test::daemon_process;

namespace {

daemon_process& sim() {
    static daemon_process d(test::make_temp_dir("kumo-serve"), {"--simulate", "2"});
    return d;
}

process_output run(const std::vector<std::string>& argv, int timeout_s = 60) {
    auto ran = run_process(argv, std::chrono::seconds(timeout_s));
    INFO(argv.front() << " " << (argv.size() > 1 ? argv[1] : ""));
    REQUIRE(ran);  // a checker that cannot run fails the test
    return *ran;
}

// "127.0.0.1:PORT" of a daemon URL "https://127.0.0.1:PORT/".
std::string host_port(const std::string& url) {
    auto start = url.find("://") + 3;
    auto end = url.find('/', start);
    return url.substr(start, end == std::string::npos ? std::string::npos : end - start);
}

std::string token_of(const daemon_process& d, const std::string& user, const std::string& password) {
    auto r = d.anonymous().send("POST", "/api/v1/auth/tokens", json{{"username", user}, {"password", password}});
    REQUIRE(r);
    return r->status == 201 ? r->body["token"].get<std::string>() : std::string();
}

}  // namespace

TEST_CASE("plain HTTP to the TLS port is answered with a plain-text 400 saying to use https", "[api]") {
    auto out = run({"curl", "-s", "-o", "-", "-w", "\n%{http_code}", "--max-time", "10",
                    "http://" + host_port(sim().url()) + "/api/v1/health"});
    INFO(out.out << out.err);
    REQUIRE(out.exit_code == 0);
    CHECK(out.out.substr(out.out.rfind('\n') + 1) == "400");
    CHECK(out.out.find("use https://") != std::string::npos);
    // The port still speaks TLS afterwards.
    CHECK(test::call(sim().anonymous(), "GET", "/api/v1/health").status == 200);
}

TEST_CASE("a method the path does not take is 405 method_not_allowed with an Allow header", "[api]") {
    auto admin = sim().admin();
    auto r = test::call(admin, "PUT", "/api/v1/flavors");
    CHECK(r.status == 405);
    CHECK(r.body["code"] == "method_not_allowed");
    CHECK(r.body["status"] == 405);
    auto out = run({"curl", "-sk", "-i", "-X", "PUT", "--max-time", "10",
                    "https://" + host_port(sim().url()) + "/api/v1/flavors"});
    INFO(out.out << out.err);
    REQUIRE(out.exit_code == 0);
    CHECK(out.out.find("HTTP/1.1 405") != std::string::npos);
    CHECK(out.out.find("Allow: GET, POST") != std::string::npos);
}

TEST_CASE("list filters by name: images, volumes, roles", "[api]") {
    auto admin = sim().admin();
    REQUIRE(test::call(admin, "POST", "/api/v1/images", {{"name", "named-img"}, {"disk_format", "qcow2"}}).status ==
            201);
    REQUIRE(test::call(admin, "POST", "/api/v1/images", {{"name", "other-img"}, {"disk_format", "qcow2"}}).status ==
            201);
    auto images = test::call(admin, "GET", "/api/v1/images?name=named-img").body["items"];
    REQUIRE(images.size() == 1);
    CHECK(images[0]["name"] == "named-img");
    REQUIRE(test::call(admin, "POST", "/api/v1/volumes", {{"name", "named-vol"}, {"size_gb", 1}}).status == 201);
    REQUIRE(test::call(admin, "POST", "/api/v1/volumes", {{"name", "other-vol"}, {"size_gb", 1}}).status == 201);
    auto volumes = test::call(admin, "GET", "/api/v1/volumes?name=named-vol").body["items"];
    REQUIRE(volumes.size() == 1);
    CHECK(volumes[0]["name"] == "named-vol");
    auto roles = test::call(admin, "GET", "/api/v1/roles?name=member").body["items"];
    REQUIRE(roles.size() == 1);
    CHECK(roles[0]["name"] == "member");
    CHECK(test::call(admin, "GET", "/api/v1/roles?name=nope").body["items"].empty());
}

TEST_CASE("simulated hosts refuse VMs from images and volume attachments up front, recording nothing", "[api]") {
    auto admin = sim().admin();
    auto img = test::call(admin, "POST", "/api/v1/images", {{"name", "sim-root"}, {"disk_format", "raw"}});
    REQUIRE(img.status == 201);
    const std::string image_id = img.body["id"];
    auto up = admin.send("PUT", "/api/v1/images/" + image_id + "/file", std::nullopt, std::string(1 << 20, '\0'),
                         "application/octet-stream");
    REQUIRE(up);
    REQUIRE(up->status == 200);
    auto flavor = test::call(admin, "POST", "/api/v1/flavors", {{"name", "sim-f"}, {"vcpus", 1}, {"ram_mb", 64}});
    REQUIRE(flavor.status == 201);
    const json body{{"name", "from-image"}, {"flavor_id", flavor.body["id"]}, {"image_id", image_id}};
    auto made = test::call(admin, "POST", "/api/v1/vms", body);
    CHECK(made.status == 409);
    CHECK(made.body.value("detail", "").find("simulated") != std::string::npos);
    CHECK(test::call(admin, "POST", "/api/v1/scheduler/explain", body).status == 409);
    CHECK(test::call(admin, "GET", "/api/v1/vms?name=from-image").body["items"].empty());

    auto vm = test::call(admin, "POST", "/api/v1/vms", {{"name", "diskless"}, {"flavor_id", flavor.body["id"]}});
    REQUIRE(vm.status == 202);
    REQUIRE(test::wait_op(admin, vm.body["operation"]["id"])["status"] == "succeeded");
    auto vol = test::call(admin, "POST", "/api/v1/volumes", {{"name", "sim-vol"}, {"size_gb", 1}});
    REQUIRE(vol.status == 201);
    const std::string vm_id = vm.body["vm"]["id"], vol_id = vol.body["id"];
    auto attached = test::call(admin, "POST", "/api/v1/vms/" + vm_id + "/volumes", {{"volume_id", vol_id}});
    CHECK(attached.status == 409);
    CHECK(attached.body.value("detail", "").find("simulated") != std::string::npos);
    auto after = test::call(admin, "GET", "/api/v1/volumes/" + vol_id).body;
    CHECK(after["status"] == "available");
    CHECK(after["host_id"].is_null());
    CHECK(after["attached_to"].is_null());
}

TEST_CASE("one daemon per data directory; nothing is made before the listen address works", "[api]") {
    const auto& d = sim();
    auto second = run({KUMO_BINARY, "serve", "--data-dir", d.data_dir(), "--listen", "127.0.0.1:0", "--simulate", "1"});
    INFO(second.out << second.err);
    CHECK(second.exit_code != 0);
    CHECK((second.out + second.err).find("another kumo process (pid " + std::to_string(d.pid())) != std::string::npos);
    CHECK(test::call(d.anonymous(), "GET", "/api/v1/health").status == 200);  // the first one carries on

    const std::string fresh = test::make_temp_dir("kumo-unlistened") + "/data";
    auto taken = run({KUMO_BINARY, "serve", "--data-dir", fresh, "--listen", host_port(d.url())});
    INFO(taken.out << taken.err);
    CHECK(taken.exit_code != 0);
    CHECK((taken.out + taken.err).find("cannot listen on") != std::string::npos);
    CHECK_FALSE(std::filesystem::exists(fresh));
}

TEST_CASE("the last cloud administrator cannot be removed; admin-recover brings one back offline", "[api]") {
    const std::string dir = test::make_temp_dir("kumo-last-admin");
    std::string admin_id, bystander_id;
    {
        daemon_process d(dir, {"--simulate", "1"});
        auto admin = d.admin();
        admin_id = test::call(admin, "GET", "/api/v1/auth/me").body["user"]["id"];
        auto disabled = test::call(admin, "PATCH", "/api/v1/users/" + admin_id, {{"enabled", false}});
        CHECK(disabled.status == 409);
        CHECK(disabled.body.value("detail", "").find("no enabled cloud administrator") != std::string::npos);
        CHECK(test::call(admin, "DELETE", "/api/v1/users/" + admin_id).status == 409);
        int cloud_admin_roles = 0;
        const auto assignments = test::call(admin, "GET", "/api/v1/role-assignments?user_id=" + admin_id);
        for (const auto& a : assignments.body["items"])
            if (a["scope"]["type"] == "cloud" && a["role"]["name"] == "admin") {
                ++cloud_admin_roles;
                const std::string path = "/api/v1/role-assignments/" + a["id"].get<std::string>();
                CHECK(test::call(admin, "DELETE", path).status == 409);
            }
        CHECK(cloud_admin_roles == 1);
        CHECK(test::call(admin, "PATCH", "/api/v1/domains/default", {{"enabled", false}}).status == 409);
        // A domain administrator and a user of that domain, for the cloud without cloud admins below.
        for (const char* name : {"keeper", "bystander"}) {
            auto u = test::call(admin, "POST", "/api/v1/users", {{"name", name}, {"password", "long-enough-pw"}});
            REQUIRE(u.status == 201);
            if (std::string(name) == "bystander")
                bystander_id = u.body["id"];
            else
                REQUIRE(test::call(admin, "POST", "/api/v1/role-assignments",
                                   {{"role", "domain_admin"}, {"user_id", u.body["id"]}, {"domain_id", "default"}})
                            .status == 201);
        }
        // Still in: the refused changes were undone.
        CHECK(!token_of(d, "admin", test::kTestAdminPassword).empty());
        // While the daemon runs, the recovery refuses (the data directory's lock).
        auto busy = run({KUMO_BINARY, "admin-recover", "--data-dir", dir});
        CHECK(busy.exit_code != 0);
        CHECK(busy.err.find("stop the daemon first") != std::string::npos);
        REQUIRE(d.stop() == 0);
    }
    // Locked out by hand (as a script editing the database might): the recovery opens the door again.
    auto locked = run({"sqlite3", dir + "/kumo.db", "UPDATE users SET enabled = 0 WHERE name = 'admin'"});
    REQUIRE(locked.exit_code == 0);
    {
        // With no cloud admin left, only a change that takes the last one away is refused: a domain
        // administrator's unrelated edit goes through.
        daemon_process d(dir, {"--simulate", "1"});
        auto login =
            d.anonymous().send("POST", "/api/v1/auth/tokens",
                               json{{"username", "keeper"}, {"password", "long-enough-pw"}, {"domain", "default"}});
        REQUIRE(login);
        INFO(login->body.dump());
        REQUIRE(login->status == 201);
        cli::api_client keeper(d.url(), d.fingerprint(), login->body["token"]);
        auto edited = test::call(keeper, "PATCH", "/api/v1/users/" + bystander_id, {{"enabled", false}});
        INFO(edited.body.dump());
        CHECK(edited.status == 200);
        REQUIRE(d.stop() == 0);
    }
    auto recovered = run({KUMO_BINARY, "admin-recover", "--data-dir", dir});
    INFO(recovered.out << recovered.err);
    REQUIRE(recovered.exit_code == 0);
    const auto at = recovered.out.find("new password: ");
    REQUIRE(at != std::string::npos);
    const std::string password = recovered.out.substr(at + 14, 24);  // random_hex(12): 24 characters
    daemon_process again(dir, {"--simulate", "1"});
    CHECK(token_of(again, "admin", test::kTestAdminPassword).empty());  // the old password is gone
    const std::string token = token_of(again, "admin", password);
    REQUIRE_FALSE(token.empty());
    cli::api_client admin(again.url(), again.fingerprint(), token);
    CHECK(test::call(admin, "GET", "/api/v1/users").status == 200);
    std::filesystem::remove_all(dir);
}
