// Three real hosts (the lab: network namespaces with their own libvirtd and sshd) managed over SSH by
// a real daemon: enrollment with pinned host keys, live and cold migration of real KVM (or QEMU) guests,
// cancellation, maintenance mode, host removal, hosts that die and return, and a failed migration.
#include "daemon_process.hpp"
#include "kumo/ssh/host_shell.hpp"
#include "kvm.hpp"
#include "lab.hpp"
#include "test_guest.hpp"

#include <fmt/format.h>
#include <unistd.h>
#include <filesystem>
#include <fstream>
#include <thread>
#include "kumo_catch.hpp"

using namespace kumo;
using kumo::test::call;
using kumo::test::daemon_process;

namespace {

// Polls `probe` until it returns true or `timeout` passes.
template <class F>
bool eventually(F probe, std::chrono::seconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
        if (probe())
            return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(250));
    }
    return probe();
}

using env_list = std::vector<std::pair<std::string, std::string>>;

env_list with_defaults(env_list extra) {
    env_list env{{"KUMO_REGISTER_LOCAL_HOST", "false"},
                 {"KUMO_HOST_RETRY_MAX_S", "2"},
                 {"KUMO_RECONCILE_INTERVAL_S", "2"},
                 {"KUMO_QUOTA_INSTANCES", "-1"}};
    env.insert(env.end(), extra.begin(), extra.end());
    return env;
}

struct cluster {
    std::string root = test::make_temp_dir("kumo-lab-cluster");
    test::lab lab{std::string(KUMO_SOURCE_DIR) + "/examples/lab/lab.sh", root + "/lab"};
    daemon_process d;
    cli::api_client admin = d.admin();
    std::string host[4];  // 1..3
    std::string flavor;

    // `env` is added to the daemon's; "{root}" in a value is this cluster's directory.
    explicit cluster(env_list env = {}) : d(root + "/daemon", {}, with_defaults(expand(std::move(env), root))) {
        auto key = call(admin, "GET", "/api/v1/hosts/ssh-key");
        REQUIRE(key.status == 200);
        const std::string public_key = key.body["public_key"];
        REQUIRE(public_key.rfind("ssh-ed25519 ", 0) == 0);
        lab.authorize(public_key);
        for (int n = 1; n <= 3; ++n)
            host[n] = enroll(n, lab.fingerprint(n));
        auto f = call(admin, "POST", "/api/v1/flavors", {{"name", "lab-tiny"}, {"vcpus", 1}, {"ram_mb", 64}});
        REQUIRE(f.status == 201);
        flavor = f.body["id"];
    }

    std::string enroll(int n, const std::string& fingerprint) {
        // Migrations go over the storage network, so a test can slow them down without touching SSH.
        auto r = call(admin, "POST", "/api/v1/hosts",
                      {{"name", fmt::format("h{}", n)},
                       {"uri", lab.uri(n)},
                       {"ssh_fingerprint", fingerprint},
                       {"migration_address", fmt::format("198.18.1.1{}", n)}});
        INFO(r.body.dump());
        REQUIRE(r.status == 201);
        CHECK(r.body["status"] == "up");
        CHECK(r.body["ssh_fingerprint"] == fingerprint);
        CHECK(r.body["hostname"] == fmt::format("kumolab-h{}", n));
        return r.body["id"];
    }

    json get(const std::string& path) {
        auto r = call(admin, "GET", path);
        INFO(path << " " << r.body.dump());
        REQUIRE(r.status == 200);
        return r.body;
    }
    json vm(const std::string& id) { return get("/api/v1/vms/" + id); }
    int instances_on(const std::string& host_id) {
        return get("/api/v1/hosts/" + host_id)["scheduling"]["used"]["instances"];
    }
    // What libvirt on the host itself reports for the domain (nullopt: not there).
    std::optional<std::string> domain_state(const std::string& host_id, const std::string& uuid) {
        const json listed = get("/api/v1/hosts/" + host_id + "/domains");
        INFO(listed.dump());
        for (const auto& d : listed["items"])
            if (d["uuid"] == uuid)
                return d["power_state"].get<std::string>();
        return std::nullopt;
    }

    std::string create_vm(const std::string& name, json extra = json::object()) {
        json body{{"name", name}, {"flavor_id", flavor}};
        body.update(extra);
        auto r = call(admin, "POST", "/api/v1/vms", body);
        INFO(r.body.dump());
        REQUIRE(r.status == 202);
        auto op = test::wait_op(admin, r.body["operation"]["id"]);
        INFO(op.dump());
        REQUIRE(op["status"] == "succeeded");
        return r.body["vm"]["id"];
    }

    cli::reply start_migration(const std::string& vm_id, json body) {
        return call(admin, "POST", "/api/v1/vms/" + vm_id + "/actions/migrate", body);
    }
    json migrate(const std::string& vm_id, json body) {
        auto r = start_migration(vm_id, body);
        INFO(r.body.dump());
        REQUIRE(r.status == 202);
        return test::wait_op(admin, r.body["operation"]["id"]);
    }
    static env_list expand(env_list env, const std::string& root) {
        for (auto& [name, value] : env)
            if (auto at = value.find("{root}"); at != std::string::npos)
                value.replace(at, 6, root);
        return env;
    }
    int index_of(const std::string& host_id) const {
        for (int n = 1; n <= 3; ++n)
            if (host[n] == host_id)
                return n;
        return 0;
    }
};

}  // namespace

TEST_CASE("three hosts over SSH: enroll, live-migrate between every pair, cancel, cold-migrate, maintenance, removal",
          "[lab-cluster]") {
    cluster c;
    INFO("a wrong expected fingerprint enrolls nothing");
    auto wrong = call(c.admin, "POST", "/api/v1/hosts",
                      {{"name", "again"},
                       {"uri", "qemu+ssh://root@198.18.0.11:22/system"},
                       {"ssh_fingerprint", c.lab.fingerprint(2)}});
    CHECK(wrong.status == 422);
    CHECK(wrong.body["errors"][0]["field"] == "ssh_fingerprint");
    CHECK(c.get("/api/v1/hosts")["items"].size() == 3);
    auto injected = call(c.admin, "POST", "/api/v1/hosts",
                         {{"name", "inject"}, {"uri", "qemu+ssh://root@198.18.0.11/system?no_verify=1"}});
    CHECK(injected.status == 422);

    auto baseline = c.get("/api/v1/hosts/cpu-baseline");
    // This tier claims KVM guests: the hosts must say kvm, and each guest's QEMU must run with it.
    for (int n = 1; n <= 3; ++n)
        REQUIRE(c.get("/api/v1/hosts/" + c.host[n])["virt_type"] == "kvm");
    INFO(baseline.dump());
    CHECK(baseline["model"].is_string());
    for (const auto& h : baseline["hosts"])
        CHECK(h["in_baseline"] == true);

    // Spread: one VM per host.
    const std::string a = c.create_vm("mover");
    const std::string b = c.create_vm("sleeper");
    const std::string third = c.create_vm("third");
    for (int n = 1; n <= 3; ++n)
        CHECK(c.instances_on(c.host[n]) == 1);
    for (const auto& id : {a, b, third}) {
        const std::string not_kvm = test::not_kvm_because(id);
        INFO(not_kvm);
        REQUIRE(not_kvm.empty());
    }

    INFO("live migration around the ring h(i) -> h(i+1): every pair, both the API's and libvirt's view");
    int at = c.index_of(c.vm(a)["host_id"]);
    REQUIRE(at != 0);
    for (int step = 0; step < 3; ++step) {
        const int to = at % 3 + 1;
        const auto before_source = c.instances_on(c.host[at]);
        auto op = c.migrate(a, {{"host_id", c.host[to]}});
        INFO(op.dump());
        REQUIRE(op["status"] == "succeeded");
        auto v = c.vm(a);
        CHECK(v["host_id"] == c.host[to]);
        CHECK(v["status"] == "active");
        CHECK(v["task_state"].is_null());
        CHECK(c.domain_state(c.host[to], a) == "running");
        CHECK_FALSE(c.domain_state(c.host[at], a).has_value());
        CHECK(c.instances_on(c.host[at]) == before_source - 1);  // the source's claim went with it
        at = to;
    }

    INFO("the scheduler picks the target when none is given (never the source)");
    auto picked = c.migrate(a, json::object());
    REQUIRE(picked["status"] == "succeeded");
    CHECK(c.vm(a)["host_id"] != c.host[at]);

    INFO("a slow migration (the target's storage link throttled) reports progress and can be cancelled");
    const std::string source = c.vm(a)["host_id"];
    const int target_n = c.index_of(source) % 3 + 1;
    const std::string target = c.host[target_n];
    REQUIRE(c.lab.run(fmt::format("throttle h{} stor 256", target_n)) == 0);
    auto slow = c.start_migration(a, {{"host_id", target}});
    REQUIRE(slow.status == 202);
    const std::string slow_op = slow.body["operation"]["id"];
    CHECK(eventually(
        [&] {
            auto op = c.get("/api/v1/operations/" + slow_op);
            return op["details"].contains("data_total") && op["details"]["data_total"].get<std::int64_t>() > 0;
        },
        std::chrono::seconds(30)));
    auto cancel = call(c.admin, "DELETE", "/api/v1/operations/" + slow_op);
    CHECK(cancel.status == 202);
    auto cancelled = test::wait_op(c.admin, slow_op);
    REQUIRE(c.lab.run(fmt::format("unthrottle h{} stor", target_n)) == 0);
    INFO(cancelled.dump());
    CHECK(cancelled["status"] == "cancelled");
    CHECK(c.vm(a)["host_id"] == source);
    CHECK(c.domain_state(source, a) == "running");
    CHECK_FALSE(c.domain_state(target, a).has_value());
    CHECK(c.instances_on(target) == static_cast<int>(c.get("/api/v1/vms?host_id=" + target)["items"].size()));

    INFO("cold migration of a stopped VM, which then starts on its new host");
    auto stop = call(c.admin, "POST", "/api/v1/vms/" + b + "/actions/stop", {{"force", true}});
    REQUIRE(test::wait_op(c.admin, stop.body["operation"]["id"])["status"] == "succeeded");
    auto refused = c.start_migration(b, {{"live", true}});
    CHECK(refused.status == 409);
    const std::string b_from = c.vm(b)["host_id"];
    auto cold = c.migrate(b, {{"live", false}});
    INFO(cold.dump());
    REQUIRE(cold["status"] == "succeeded");
    const std::string b_to = c.vm(b)["host_id"];
    CHECK(b_to != b_from);
    CHECK(c.domain_state(b_to, b) == "shutoff");
    CHECK_FALSE(c.domain_state(b_from, b).has_value());
    auto start = call(c.admin, "POST", "/api/v1/vms/" + b + "/actions/start", json::object());
    REQUIRE(test::wait_op(c.admin, start.body["operation"]["id"])["status"] == "succeeded");
    CHECK(c.domain_state(b_to, b) == "running");

    INFO("maintenance empties a host, one operation with per-VM results; nothing new lands there");
    const std::string busy = c.vm(third)["host_id"];
    auto removal_refused = call(c.admin, "DELETE", "/api/v1/hosts/" + busy);
    CHECK(removal_refused.status == 409);
    auto bad_force = call(c.admin, "DELETE", "/api/v1/hosts/" + busy + "?force=maybe");
    CHECK(bad_force.status == 422);
    CHECK(bad_force.body["errors"][0]["field"] == "force");
    auto m = call(c.admin, "POST", "/api/v1/hosts/" + busy + "/actions/maintenance", json::object());
    INFO(m.body.dump());
    REQUIRE(m.status == 202);
    auto mop = test::wait_op(c.admin, m.body["operation"]["id"], 300);
    INFO(mop.dump());
    REQUIRE(mop["status"] == "succeeded");
    REQUIRE(mop["details"]["vms"].size() >= 1);
    for (const auto& entry : mop["details"]["vms"])
        CHECK(entry["state"] == "migrated");
    CHECK(c.get("/api/v1/vms?host_id=" + busy)["items"].empty());
    CHECK(c.get("/api/v1/hosts/" + busy + "/domains")["items"].empty());
    CHECK(c.instances_on(busy) == 0);
    CHECK(c.get("/api/v1/hosts/" + busy)["maintenance"] == true);
    const std::string newcomer = c.create_vm("newcomer");
    CHECK(c.vm(newcomer)["host_id"] != busy);
    auto back = call(c.admin, "POST", "/api/v1/hosts/" + busy + "/actions/activate", json::object());
    CHECK(back.status == 200);
    CHECK(back.body["maintenance"] == false);

    INFO("an empty host can be removed; its pin goes with it");
    auto removed = call(c.admin, "DELETE", "/api/v1/hosts/" + busy);
    CHECK(removed.status == 204);
    CHECK(call(c.admin, "GET", "/api/v1/hosts/" + busy).status == 404);
    for (const std::string& id : {a, b, third, newcomer}) {
        auto del = call(c.admin, "DELETE", "/api/v1/vms/" + id);
        REQUIRE(test::wait_op(c.admin, del.body["operation"]["id"])["status"] == "succeeded");
    }
}

TEST_CASE("a changed SSH host key is refused until trusted; hosts whose sshd or libvirtd die come back by themselves",
          "[lab-cluster]") {
    cluster c;
    auto status_of = [&](int n) { return c.get("/api/v1/hosts/" + c.host[n])["status"].get<std::string>(); };

    INFO("sshd dies (sessions too): down; back: up");
    REQUIRE(c.lab.run("stop h2 sshd") == 0);
    CHECK(eventually([&] { return status_of(2) == "down"; }, std::chrono::seconds(60)));
    REQUIRE(c.lab.run("start h2 sshd") == 0);
    CHECK(eventually([&] { return status_of(2) == "up"; }, std::chrono::seconds(60)));

    INFO("libvirtd dies: down; back: up");
    REQUIRE(c.lab.run("stop h3 libvirtd") == 0);
    CHECK(eventually([&] { return status_of(3) == "down"; }, std::chrono::seconds(60)));
    REQUIRE(c.lab.run("start h3 libvirtd") == 0);
    CHECK(eventually([&] { return status_of(3) == "up"; }, std::chrono::seconds(60)));

    INFO("a new host key: down with a clear error, and it stays down");
    REQUIRE(c.lab.run("rekey h1") == 0);
    CHECK(eventually([&] { return status_of(1) == "down"; }, std::chrono::seconds(60)));
    std::this_thread::sleep_for(std::chrono::seconds(5));  // several retries
    auto h1 = c.get("/api/v1/hosts/" + c.host[1]);
    CHECK(h1["status"] == "down");
    CHECK(h1["last_error"].get<std::string>().find("SSH host key changed") != std::string::npos);

    INFO("trusting it needs the key's real fingerprint");
    const std::string path = "/api/v1/hosts/" + c.host[1] + "/actions/trust-host-key";
    auto wrong = call(c.admin, "POST", path, {{"fingerprint", c.lab.fingerprint(2)}});
    CHECK(wrong.status == 422);
    auto trusted = call(c.admin, "POST", path, {{"fingerprint", c.lab.fingerprint(1)}});
    INFO(trusted.body.dump());
    CHECK(trusted.status == 200);
    CHECK(trusted.body["ssh_fingerprint"] == c.lab.fingerprint(1));
    CHECK(eventually([&] { return status_of(1) == "up"; }, std::chrono::seconds(30)));
}

TEST_CASE("the host shell runs argument vectors on SSH hosts with Kumo's key and pins", "[lab-cluster]") {
    cluster c;
    const ssh_trust trust(c.d.data_dir() + "/ssh");  // the daemon's own key and known_hosts
    auto shell = make_host_shell(c.lab.uri(2), trust);
    REQUIRE(shell);
    auto name = (*shell)->run({"hostname"}, std::chrono::seconds(20));
    REQUIRE(name);
    CHECK(name->exit_code == 0);
    CHECK(name->out == "kumolab-h2\n");
    // Arguments arrive as they were given: quotes and separators are data, not shell syntax.
    auto echoed = (*shell)->run({"echo", "a'b; touch /tmp/kumo-injected"}, std::chrono::seconds(20));
    REQUIRE(echoed);
    CHECK(echoed->out == "a'b; touch /tmp/kumo-injected\n");
    auto failed = (*shell)->run({"ls", "/no/such/path"}, std::chrono::seconds(20));
    REQUIRE(failed);
    CHECK(failed->exit_code != 0);
    CHECK(failed->err.find("/no/such/path") != std::string::npos);
    auto slow = (*shell)->run({"sleep", "30"}, std::chrono::seconds(2));
    REQUIRE_FALSE(slow);
    CHECK(slow.error().code == errc::timeout);
    INFO("a host whose key is not the pinned one is refused");
    REQUIRE(c.lab.run("rekey h2") == 0);
    auto refused = (*shell)->run({"hostname"}, std::chrono::seconds(20));
    REQUIRE(refused);
    CHECK(refused->exit_code == 255);
    CHECK(refused->out.empty());
    CHECK(make_host_shell("test:///tmp/x.xml", trust).has_error());
}

TEST_CASE("a migration whose target libvirtd dies mid-way leaves the VM running on its source, claims intact",
          "[lab-cluster]") {
    cluster c(env_list{{"KUMO_TEST_FAULTS_FILE", "{root}/faults"}});
    const std::string v = c.create_vm("steadfast");
    const std::string source = c.vm(v)["host_id"];
    const int target_n = c.index_of(source) % 3 + 1;
    const std::string target = c.host[target_n];
    const int source_claims = c.instances_on(source);

    REQUIRE(c.lab.run(fmt::format("throttle h{} stor 256", target_n)) == 0);
    auto r = c.start_migration(v, {{"host_id", target}, {"bandwidth_mib_s", 100}});
    REQUIRE(r.status == 202);
    const std::string op_id = r.body["operation"]["id"];
    CHECK(c.instances_on(target) == 1);  // while it moves, both hosts hold it
    CHECK(eventually([&] { return c.get("/api/v1/operations/" + op_id)["details"].contains("data_total"); },
                     std::chrono::seconds(30)));
    REQUIRE(c.lab.run(fmt::format("stop h{} libvirtd", target_n)) == 0);
    auto op = test::wait_op(c.admin, op_id);
    INFO(op.dump());
    CHECK(op["status"] == "failed");
    auto after = c.vm(v);
    CHECK(after["host_id"] == source);
    CHECK(after["status"] == "active");
    CHECK(c.domain_state(source, v) == "running");
    CHECK(c.instances_on(source) == source_claims);
    CHECK(c.instances_on(target) == 0);

    REQUIRE(c.lab.run(fmt::format("unthrottle h{} stor", target_n)) == 0);
    REQUIRE(c.lab.run(fmt::format("start h{} libvirtd", target_n)) == 0);
    CHECK(eventually([&] { return c.get("/api/v1/hosts/" + target)["status"] == "up"; }, std::chrono::seconds(60)));
    CHECK_FALSE(c.domain_state(target, v).has_value());  // no half-arrived copy left behind
    auto moved = c.migrate(v, {{"host_id", target}});
    CHECK(moved["status"] == "succeeded");

    // The helper that runs libvirt's migration throws (a test fault point): the operation still ends,
    // the VM stays where it is, free for the next action, and the other host's claim is given back.
    const auto arm = [&](const std::string& lines) {
        std::ofstream out(c.root + "/faults", std::ios::trunc);
        out << lines;
        out.close();
        REQUIRE(out);
    };
    arm("migration-perform-throws " + v + "\n");
    auto thrown = c.migrate(v, {{"host_id", source}});
    arm("");
    INFO(thrown.dump());
    CHECK(thrown["status"] == "failed");
    CHECK(c.vm(v)["host_id"] == target);
    CHECK(c.vm(v)["task_state"].is_null());
    CHECK(c.domain_state(target, v) == "running");
    CHECK(c.instances_on(source) == source_claims - 1);

    // The target refuses the persistent definition after the switch-over (a test fault point): the VM
    // runs there, so the record follows it, and the operation fails saying so instead of succeeding.
    arm("migration-define-target " + v + "\n");
    auto half = c.migrate(v, {{"host_id", source}});
    arm("");
    INFO(half.dump());
    CHECK(half["status"] == "failed");
    CHECK(half["error"]["detail"].get<std::string>().find("now runs on the target host") != std::string::npos);
    CHECK(c.vm(v)["host_id"] == source);
    CHECK(c.domain_state(source, v) == "running");
    CHECK_FALSE(c.domain_state(target, v).has_value());
    CHECK(c.instances_on(target) == 0);
}

TEST_CASE("lab down leaves nothing behind, the guests' QEMUs included", "[lab-cluster]") {
    cluster c;
    const std::string guest = c.create_vm("left-running");
    CHECK(c.domain_state(c.vm(guest)["host_id"], guest) == "running");
    CHECK_FALSE(c.lab.nothing_left());
    REQUIRE(c.lab.run("down") == 0);  // the guest still running (the fixture's down runs again: safe twice)
    CHECK(c.lab.nothing_left());
}

namespace {

// The directory every lab host sees at the same path: the lab's hosts share the machine's file system
// (only their libvirt and /run directories are their own), as NFS clients share an export.
struct shared_pool_dir {
    std::string path = "/var/lib/kumo-test/lab-shared-" + std::to_string(getpid());
    ~shared_pool_dir() {
        std::error_code ec;
        std::filesystem::remove_all(path, ec);
    }
    std::set<std::string> files() const { return test::files_in(path); }
};

int last_tick_in(const std::string& log) {
    const std::string tag = "KUMO-GUEST: tick ";
    auto at = log.rfind(tag);
    return at == std::string::npos ? -1 : std::atoi(log.c_str() + at + tag.size());
}

std::size_t occurrences(const std::string& text, const std::string& what) {
    std::size_t n = 0;
    for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1))
        ++n;
    return n;
}

}  // namespace

TEST_CASE(
    "a shared pool: images copied once for all hosts; VMs from images and their volumes live-migrate without "
    "copying disks",
    "[lab-cluster]") {
    test::build_guest();
    shared_pool_dir pool;
    cluster c({{"KUMO_VIRT_TYPE", "qemu"},
               {"KUMO_STORAGE_POOL_PATH", pool.path},
               {"KUMO_STORAGE_POOL_SHARED", "true"},
               {"KUMO_IMAGE_CACHE_TTL_S", "0"},
               {"KUMO_QUOTA_RAM_MB", "-1"}});
    const std::string root = test::upload_guest(c.admin).root;
    auto flavor =
        call(c.admin, "POST", "/api/v1/flavors", {{"name", "guest"}, {"vcpus", 1}, {"ram_mb", 256}, {"disk_gb", 1}});
    REQUIRE(flavor.status == 201);
    const std::string vm =
        c.create_vm("shared-one", {{"flavor_id", flavor.body["id"]}, {"image_id", root}, {"host_id", c.host[1]}});
    std::string log = test::console_until(c.admin, vm, "KUMO-GUEST: ready", 120);
    INFO(log);
    REQUIRE(log.find("KUMO-GUEST: root marker=kumo-test-root-disk") != std::string::npos);

    // A second VM on another host uses the copy the first one's host made.
    const std::string other =
        c.create_vm("shared-two", {{"flavor_id", flavor.body["id"]}, {"image_id", root}, {"host_id", c.host[2]}});
    const std::string daemon_log = [&] {
        std::ifstream in(c.root + "/daemon/daemon.log");
        return std::string(std::istreambuf_iterator<char>(in), {});
    }();
    CHECK(occurrences(daemon_log, "image " + root + " copied") == 1);

    // A volume attached on host 1, then the VM moves live to host 3: its disks and the volume stay where
    // they are, the guest keeps counting.
    auto vol = call(c.admin, "POST", "/api/v1/volumes", {{"name", "data"}, {"size_gb", 1}});
    REQUIRE(vol.status == 201);
    const std::string volume = vol.body["id"];
    REQUIRE(call(c.admin, "POST", "/api/v1/vms/" + vm + "/volumes", {{"volume_id", volume}}).status == 200);
    log = test::console_until(c.admin, vm, "KUMO-GUEST: block devices now: vda vdb vdc", 60);
    REQUIRE(log.find("KUMO-GUEST: block devices now: vda vdb vdc") != std::string::npos);
    const auto files_before = pool.files();
    const int tick_before = last_tick_in(log);
    auto op = c.migrate(vm, {{"host_id", c.host[3]}});
    INFO(op.dump());
    REQUIRE(op["status"] == "succeeded");
    CHECK(c.vm(vm)["host_id"] == c.host[3]);
    CHECK(c.domain_state(c.host[3], vm) == "running");
    CHECK_FALSE(c.domain_state(c.host[1], vm).has_value());
    CHECK(call(c.admin, "GET", "/api/v1/volumes/" + volume).body["host_id"] == c.host[3]);
    CHECK(pool.files() == files_before);  // nothing copied
    const std::string later = "KUMO-GUEST: tick " + std::to_string(tick_before + 6);
    log = test::console_until(c.admin, vm, later, 60);
    CHECK(log.find(later) != std::string::npos);

    // The volume detaches on the new host and attaches to the VM on host 2.
    REQUIRE(call(c.admin, "DELETE", "/api/v1/vms/" + vm + "/volumes/" + volume).status == 200);
    auto moved = call(c.admin, "POST", "/api/v1/vms/" + other + "/volumes", {{"volume_id", volume}});
    INFO(moved.body.dump());
    CHECK(moved.status == 200);
    CHECK(call(c.admin, "DELETE", "/api/v1/vms/" + other + "/volumes/" + volume).status == 200);
    CHECK(call(c.admin, "DELETE", "/api/v1/volumes/" + volume).status == 204);

    for (const auto& id : {vm, other}) {
        auto gone = call(c.admin, "DELETE", "/api/v1/vms/" + id);
        REQUIRE(gone.status == 202);
        CHECK(test::wait_op(c.admin, gone.body["operation"]["id"])["status"] == "succeeded");
    }
    // Unused everywhere, the one shared copy goes once no host uses it (cache TTL 0 here).
    CHECK(eventually([&] { return pool.files().empty(); }, std::chrono::seconds(60)));
    INFO(fmt::format("left: {}", pool.files().size()));
}

TEST_CASE("local pools: a VM from an image with a volume migrates live and cold with its disks copied, and boots",
          "[lab-cluster]") {
    test::build_guest();
    const std::string pool = "/var/lib/kumo-lab-pool";  // each lab host's own directory (lab.sh)
    cluster c({{"KUMO_VIRT_TYPE", "qemu"}, {"KUMO_STORAGE_POOL_PATH", pool}, {"KUMO_QUOTA_RAM_MB", "-1"}});
    auto host_files = [&](int n) { return test::files_in(c.lab.dir() + fmt::format("/h{}/pool", n)); };
    const std::string root = test::upload_guest(c.admin).root;
    auto flavor =
        call(c.admin, "POST", "/api/v1/flavors", {{"name", "guest"}, {"vcpus", 1}, {"ram_mb", 256}, {"disk_gb", 1}});
    REQUIRE(flavor.status == 201);
    const std::string vm =
        c.create_vm("local-one", {{"flavor_id", flavor.body["id"]}, {"image_id", root}, {"host_id", c.host[1]}});
    std::string log = test::console_until(c.admin, vm, "KUMO-GUEST: ready", 120);
    REQUIRE(log.find("KUMO-GUEST: ready") != std::string::npos);
    auto vol = call(c.admin, "POST", "/api/v1/volumes", {{"name", "data"}, {"image_id", root}});
    REQUIRE(vol.status == 201);
    const std::string volume = vol.body["id"];
    REQUIRE(call(c.admin, "POST", "/api/v1/vms/" + vm + "/volumes", {{"volume_id", volume}}).status == 200);
    log = test::console_until(c.admin, vm, "KUMO-GUEST: marker on vdc=kumo-test-root-disk", 60);
    REQUIRE(log.find("KUMO-GUEST: marker on vdc=kumo-test-root-disk") != std::string::npos);
    CHECK(host_files(1).count("volume-" + volume + ".qcow2") == 1);

    auto op = c.migrate(vm, {{"host_id", c.host[3]}});
    INFO(op.dump());
    REQUIRE(op["status"] == "succeeded");
    CHECK(c.vm(vm)["host_id"] == c.host[3]);
    CHECK(c.domain_state(c.host[3], vm) == "running");
    CHECK(call(c.admin, "GET", "/api/v1/volumes/" + volume).body["host_id"] == c.host[3]);
    const auto on_source = host_files(1), on_target = host_files(3);
    for (const auto& f : on_source)
        CHECK(f.find(vm) == std::string::npos);  // the source's copies are gone
    CHECK(on_source.count("volume-" + volume + ".qcow2") == 0);
    CHECK(on_target.count("kumo-" + vm + "-root.qcow2") == 1);
    CHECK(on_target.count("volume-" + volume + ".qcow2") == 1);
    CHECK(on_target.count("image-" + root) == 1);  // the overlay's base, cached there first

    // A hard reboot on the target boots from the copied overlay on the target's base and finds the
    // copied volume's data.
    const std::size_t before = test::console_until(c.admin, vm, "KUMO-GUEST: ready", 1).size();
    auto reboot = call(c.admin, "POST", "/api/v1/vms/" + vm + "/actions/reboot", {{"hard", true}});
    INFO(reboot.body.dump());
    REQUIRE(reboot.status == 202);
    REQUIRE(test::wait_op(c.admin, reboot.body["operation"]["id"])["status"] == "succeeded");
    bool booted = eventually(
        [&] {
            log = test::console_until(c.admin, vm, "KUMO-GUEST: ready", 1);
            return log.find("KUMO-GUEST: ready", before) != std::string::npos;
        },
        std::chrono::seconds(120));
    INFO(log.substr(std::min(before, log.size())));
    CHECK(booted);
    CHECK(log.find("KUMO-GUEST: root marker=kumo-test-root-disk", before) != std::string::npos);
    CHECK(log.find("KUMO-GUEST: block devices: vda vdb vdc", before) != std::string::npos);

    // Stopped, it moves cold back to host 1: Kumo copies the disks' data through itself, and the VM
    // starts there from them.
    auto stop = call(c.admin, "POST", "/api/v1/vms/" + vm + "/actions/stop", {{"force", true}});
    REQUIRE(test::wait_op(c.admin, stop.body["operation"]["id"])["status"] == "succeeded");
    auto cold = c.migrate(vm, {{"live", false}, {"host_id", c.host[1]}});
    INFO(cold.dump());
    REQUIRE(cold["status"] == "succeeded");
    CHECK(c.vm(vm)["host_id"] == c.host[1]);
    for (const auto& f : host_files(3))
        CHECK(f.find(vm) == std::string::npos);
    CHECK(host_files(3).count("volume-" + volume + ".qcow2") == 0);
    CHECK(host_files(1).count("volume-" + volume + ".qcow2") == 1);
    const std::size_t before_start = test::console_until(c.admin, vm, "KUMO-GUEST: ready", 1).size();
    auto start = call(c.admin, "POST", "/api/v1/vms/" + vm + "/actions/start", json::object());
    REQUIRE(start.status == 202);
    REQUIRE(test::wait_op(c.admin, start.body["operation"]["id"])["status"] == "succeeded");
    booted = eventually(
        [&] {
            log = test::console_until(c.admin, vm, "KUMO-GUEST: ready", 1);
            return log.find("KUMO-GUEST: ready", before_start) != std::string::npos;
        },
        std::chrono::seconds(120));
    CHECK(booted);
    CHECK(log.find("KUMO-GUEST: root marker=kumo-test-root-disk", before_start) != std::string::npos);
    CHECK(log.find("KUMO-GUEST: block devices: vda vdb vdc", before_start) != std::string::npos);

    REQUIRE(call(c.admin, "DELETE", "/api/v1/vms/" + vm + "/volumes/" + volume).status == 200);
    CHECK(call(c.admin, "DELETE", "/api/v1/volumes/" + volume).status == 204);
    auto gone = call(c.admin, "DELETE", "/api/v1/vms/" + vm);
    REQUIRE(gone.status == 202);
    CHECK(test::wait_op(c.admin, gone.body["operation"]["id"])["status"] == "succeeded");
    for (const auto& f : host_files(3))
        CHECK(f.rfind("image-", 0) == 0);
}
