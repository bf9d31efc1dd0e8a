// The VM lifecycle on the real local hypervisor (qemu:///system; KVM where /dev/kvm works), with a
// diskless VM that boots into firmware. libvirt's own view is checked at every step.
#include "daemon_process.hpp"
#include "kvm.hpp"
#include "virsh.hpp"

#include "kumo_catch.hpp"

#include <unistd.h>
#include <algorithm>
#include <fstream>
#include <thread>

using namespace kumo;

namespace {

cli::reply send(const cli::api_client& c, const std::string& m, const std::string& path,
                const std::optional<json>& body = {}) {
    auto r = c.send(m, path, body);
    REQUIRE(r);
    return *r;
}

std::string start_action(const cli::api_client& c, const std::string& vm, const std::string& action,
                         json body = json::object()) {
    auto r = send(c, "POST", "/api/v1/vms/" + vm + "/actions/" + action, body);
    INFO(r.body.dump());
    REQUIRE(r.status == 202);
    return r.body["operation"]["id"];
}

std::string api_status(const cli::api_client& c, const std::string& vm) {
    return send(c, "GET", "/api/v1/vms/" + vm).body["status"];
}

}  // namespace

TEST_CASE("a diskless VM goes through its lifecycle on qemu:///system", "[qemu]") {
    setenv("KUMO_STOP_TIMEOUT_S", "3", 1);  // firmware ignores ACPI: the graceful stop times out, then forces
    const std::string dir = test::make_temp_dir("kumo-qemu");
    auto d = std::make_unique<test::daemon_process>(dir, std::vector<std::string>{});
    auto c = d->admin();
    auto hosts = send(c, "GET", "/api/v1/hosts");
    REQUIRE(hosts.body["items"].size() == 1);
    const json host = hosts.body["items"][0];
    REQUIRE(host["status"] == "up");
    CHECK(host["hypervisor"] == "QEMU");  // the emulator's name, with KVM or without
    CHECK(host["virt_type"] == "kvm");
    CHECK(host["cpus"].get<int>() > 0);

    auto f = send(c, "POST", "/api/v1/flavors", json{{"name", "tiny"}, {"vcpus", 1}, {"ram_mb", 64}});
    REQUIRE(f.status == 201);
    auto created = send(c, "POST", "/api/v1/vms", json{{"name", "fw"}, {"flavor_id", f.body["id"]}});
    REQUIRE(created.status == 202);
    const std::string vm = created.body["vm"]["id"];
    auto op = test::wait_op(c, created.body["operation"]["id"], 180);
    INFO(op.dump());
    REQUIRE(op["status"] == "succeeded");
    CHECK(api_status(c, vm) == "active");
    CHECK(test::virsh_domstate(vm) == "running");
    const std::string not_kvm = test::not_kvm_because(vm, test::virsh_dumpxml(vm));
    INFO(not_kvm);
    REQUIRE(not_kvm.empty());  // this tier claims KVM: an emulated guest would pass every other check

    // A graceful stop waits for the guest; meanwhile the VM is busy.
    const std::string stop_op = start_action(c, vm, "stop");
    auto busy = send(c, "POST", "/api/v1/vms/" + vm + "/actions/start");
    CHECK(busy.status == 409);
    CHECK(busy.body["code"] == "operation_in_progress");
    // The long poll returns when the operation ends (about stop_timeout_s = 3 s), not when the wait does.
    const auto polled = std::chrono::steady_clock::now();
    auto ended = send(c, "GET", "/api/v1/operations/" + stop_op + "?wait=120");
    CHECK(ended.body["status"] == "succeeded");
    CHECK(std::chrono::steady_clock::now() - polled < std::chrono::seconds(60));
    CHECK(api_status(c, vm) == "stopped");
    CHECK(test::virsh_domstate(vm) == "shut off");

    CHECK(test::wait_op(c, start_action(c, vm, "start"))["status"] == "succeeded");
    CHECK(test::virsh_domstate(vm) == "running");
    CHECK(test::wait_op(c, start_action(c, vm, "suspend"))["status"] == "succeeded");
    CHECK(api_status(c, vm) == "suspended");
    CHECK(test::virsh_domstate(vm) == "paused");
    CHECK(test::wait_op(c, start_action(c, vm, "resume"))["status"] == "succeeded");
    CHECK(test::virsh_domstate(vm) == "running");
    CHECK(test::wait_op(c, start_action(c, vm, "reboot", json{{"hard", true}}))["status"] == "succeeded");
    CHECK(test::virsh_domstate(vm) == "running");

    // A graceful stop can be cancelled; the guest keeps running.
    const std::string cancelled = start_action(c, vm, "stop");
    auto del = send(c, "DELETE", "/api/v1/operations/" + cancelled);
    CHECK(del.status == 202);
    CHECK(test::wait_op(c, cancelled)["status"] == "cancelled");
    CHECK(api_status(c, vm) == "active");
    CHECK(test::virsh_domstate(vm) == "running");

    // SIGTERM while a graceful stop runs: the daemon lets it finish, exits 0, and the next start finds it
    // recorded (shutdown_grace_s, 20 s, is longer than the 3 s stop).
    const std::string last_stop = start_action(c, vm, "stop");
    CHECK(d->stop() == 0);
    d = std::make_unique<test::daemon_process>(dir, std::vector<std::string>{});
    c = d->admin();
    CHECK(send(c, "GET", "/api/v1/operations/" + last_stop).body["status"] == "succeeded");
    CHECK(api_status(c, vm) == "stopped");
    CHECK(test::virsh_domstate(vm) == "shut off");
    CHECK(test::wait_op(c, start_action(c, vm, "start"))["status"] == "succeeded");

    // A domain powered off behind Kumo's back is noticed through libvirt's lifecycle events.
    REQUIRE(std::system(("virsh -c qemu:///system destroy kumo-" + vm + " >/dev/null").c_str()) == 0);
    std::string seen;
    for (int i = 0; i < 100 && seen != "stopped"; ++i) {
        seen = api_status(c, vm);
        if (seen != "stopped")
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    CHECK(seen == "stopped");

    // Reconciliation (every 2 s in tests): a domain removed behind Kumo's back puts its VM in error,
    // and a domain Kumo does not own is reported on the host.
    REQUIRE(std::system(("virsh -c qemu:///system undefine kumo-" + vm + " >/dev/null").c_str()) == 0);
    const std::string foreign = "foreign-" + std::to_string(getpid());
    const std::string foreign_xml = d->data_dir() + "/foreign.xml";
    std::ofstream(foreign_xml) << "<domain type='qemu'><name>" << foreign
                               << "</name><memory unit='MiB'>32</memory><os><type>hvm</type></os></domain>";
    REQUIRE(std::system(("virsh -c qemu:///system define " + foreign_xml + " >/dev/null").c_str()) == 0);
    json seen_vm, seen_host;
    for (int i = 0; i < 150; ++i) {
        seen_vm = send(c, "GET", "/api/v1/vms/" + vm).body;
        seen_host = send(c, "GET", "/api/v1/hosts/" + host["id"].get<std::string>()).body;
        const auto& unknown = seen_host["unknown_domains"];
        if (seen_vm["status"] == "error" && std::find(unknown.begin(), unknown.end(), foreign) != unknown.end())
            break;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    std::system(("virsh -c qemu:///system undefine " + foreign + " >/dev/null").c_str());
    INFO(seen_vm.dump() << seen_host.dump());
    CHECK(seen_vm["status"] == "error");
    CHECK(seen_vm["power_state"] == "missing");
    CHECK(seen_vm["fault"] == "the domain is missing on its host");
    const auto& unknown = seen_host["unknown_domains"];
    CHECK(std::find(unknown.begin(), unknown.end(), foreign) != unknown.end());

    auto gone = send(c, "DELETE", "/api/v1/vms/" + vm);
    REQUIRE(gone.status == 202);
    CHECK(test::wait_op(c, gone.body["operation"]["id"])["status"] == "succeeded");
    CHECK(test::virsh_domstate(vm).empty());
    CHECK(send(c, "GET", "/api/v1/vms/" + vm).status == 404);
    CHECK(d->stop() == 0);
}

TEST_CASE("a build QEMU refuses leaves the VM in error and releases its claim", "[qemu]") {
    const std::string dir = test::make_temp_dir("kumo-qemu-fail");
    test::daemon_process d(dir, {}, {{"KUMO_QUOTA_RAM_MB", "-1"}});
    auto c = d.admin();
    const std::string host = send(c, "GET", "/api/v1/hosts").body["items"][0]["id"];
    // Let the scheduler accept a guest far larger than QEMU can allocate: 4 TiB of RAM.
    REQUIRE(send(c, "PATCH", "/api/v1/hosts/" + host, json{{"ram_allocation_ratio", 1000}}).status == 200);
    auto f = send(c, "POST", "/api/v1/flavors", json{{"name", "huge"}, {"vcpus", 1}, {"ram_mb", 4 * 1024 * 1024}});
    REQUIRE(f.status == 201);
    auto created = send(c, "POST", "/api/v1/vms", json{{"name", "too-big"}, {"flavor_id", f.body["id"]}});
    INFO(created.body.dump());
    REQUIRE(created.status == 202);
    const std::string vm = created.body["vm"]["id"];
    auto op = test::wait_op(c, created.body["operation"]["id"], 180);
    INFO(op.dump());
    CHECK(op["status"] == "failed");
    auto shown = send(c, "GET", "/api/v1/vms/" + vm).body;
    CHECK(shown["status"] == "error");
    CHECK_FALSE(shown["fault"].is_null());
    CHECK(test::virsh_domstate(vm).empty());  // no orphaned domain
    const auto used = send(c, "GET", "/api/v1/hosts/" + host).body["scheduling"]["used"];
    CHECK(used["instances"] == 0);
    CHECK(used["ram_mb"] == 0);
    auto gone = send(c, "DELETE", "/api/v1/vms/" + vm);
    REQUIRE(gone.status == 202);
    CHECK(test::wait_op(c, gone.body["operation"]["id"])["status"] == "succeeded");
}
