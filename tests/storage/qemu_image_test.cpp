// The whole image path on real QEMU (emulated: Linux guests do not run under this machine's nested
// KVM): a guest built from Debian packages is uploaded (kernel, ramdisk, qcow2 root), booted from a
// qcow2 overlay on the host's cached copy, and reports on its serial console what it found: its block
// devices, the NoCloud drive's hostname, instance id, SSH key and user-data, and the root disk's marker.
// Then: images in use cannot be deleted, deleting the VM removes its volumes, unused cached images are
// collected, and a build that fails leaves no volume behind.
#include "daemon_process.hpp"
#include "kumo/core/subprocess.hpp"
#include "test_guest.hpp"
#include "virsh.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <unistd.h>
#include <filesystem>
#include <fstream>
#include <thread>
#include "kumo_catch.hpp"

using namespace kumo;
using kumo::test::build_guest;
using kumo::test::call;
using kumo::test::console_until;
using kumo::test::kGuestDir;
using kumo::test::upload_image;
namespace fs = std::filesystem;

namespace {

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

// The pool this test owns, removed at the end whatever happens, with any domain still using it (a test
// that failed midway leaves its VMs behind when its daemon stops).
struct test_pool {
    explicit test_pool(const std::string& suffix = "")
        : name("kumo-test-" + std::to_string(getpid()) + suffix),
          path("/var/lib/kumo-test/" + std::to_string(getpid()) + suffix) {}
    std::string name, path;
    ~test_pool() {
        for (const auto& domain : test::virsh_kumo_domains()) {
            auto xml = run_process({"virsh", "-c", "qemu:///system", "dumpxml", domain}, std::chrono::seconds(30));
            if (!xml || xml->out.find(path + "/") == std::string::npos)
                continue;
            (void)run_process({"virsh", "-c", "qemu:///system", "destroy", domain}, std::chrono::seconds(30));
            (void)run_process({"virsh", "-c", "qemu:///system", "undefine", domain, "--snapshots-metadata"},
                              std::chrono::seconds(30));
        }
        (void)run_process({"virsh", "-c", "qemu:///system", "pool-destroy", name}, std::chrono::seconds(30));
        (void)run_process({"virsh", "-c", "qemu:///system", "pool-undefine", name}, std::chrono::seconds(30));
        std::error_code ec;
        fs::remove_all(path, ec);
    }
    std::set<std::string> files() const { return test::files_in(path); }
};

// The number of the last "tick N" in the log at or after `from`; -1 when there is none.
int last_tick(const std::string& log, std::size_t from = 0) {
    const std::string tag = "KUMO-GUEST: tick ";
    int last = -1;
    for (auto at = log.find(tag, from); at != std::string::npos; at = log.find(tag, at + 1))
        last = std::atoi(log.c_str() + at + tag.size());
    return last;
}

// The number of the first "tick N" at or after `from`; -1 when there is none.
int first_tick(const std::string& log, std::size_t from) {
    const std::string tag = "KUMO-GUEST: tick ";
    auto at = log.find(tag, from);
    return at == std::string::npos ? -1 : std::atoi(log.c_str() + at + tag.size());
}

// The guest's latest "block devices now:" report, trimmed.
std::string last_block_devices(const std::string& log) {
    const std::string tag = "KUMO-GUEST: block devices now: ";
    auto at = log.rfind(tag);
    if (at == std::string::npos)
        return {};
    std::string line = log.substr(at + tag.size(), log.find('\n', at) - at - tag.size());
    while (!line.empty() && (line.back() == '\r' || line.back() == ' '))
        line.pop_back();
    return line;
}

// Waits until the guest's latest report of its block devices is `devices`.
void wait_block_devices(const cli::api_client& c, const std::string& vm, const std::string& devices) {
    std::string last_seen;
    for (int i = 0; i < 120 && last_seen != devices; ++i) {
        last_seen = last_block_devices(console_until(c, vm, "KUMO-GUEST: ready", 1));
        std::this_thread::sleep_for(std::chrono::milliseconds(500));
    }
    CHECK(last_seen == devices);
}

}  // namespace

TEST_CASE("a VM boots from an uploaded image on an overlay and gets its metadata", "[qemu-image]") {
    build_guest();
    test_pool pool;
    const std::string dir = test::make_temp_dir("kumo-qemu-image");
    test::daemon_process d(dir, {},
                           {{"KUMO_VIRT_TYPE", "qemu"},
                            {"KUMO_STORAGE_POOL", pool.name},
                            {"KUMO_STORAGE_POOL_PATH", pool.path},
                            {"KUMO_RECONCILE_INTERVAL_S", "1"},
                            {"KUMO_IMAGE_CACHE_TTL_S", "0"},
                            {"KUMO_QUOTA_RAM_MB", "-1"}});
    auto c = d.admin();
    const std::string kernel = upload_image(c, {{"name", "kernel"}}, kGuestDir + "/vmlinuz");
    const std::string ramdisk = upload_image(c, {{"name", "ramdisk"}}, kGuestDir + "/initrd.gz");
    CHECK(call(c, "GET", "/api/v1/images/" + kernel).body["disk_format"] == "aki");  // detected
    CHECK(call(c, "GET", "/api/v1/images/" + ramdisk).body["disk_format"] == "ari");
    const std::string root = upload_image(
        c,
        {{"name", "guest-root"},
         {"disk_format", "qcow2"},
         {"properties",
          {{"kernel_id", kernel}, {"ramdisk_id", ramdisk}, {"os_command_line", "console=ttyS0 panic=-1"}}}},
        kGuestDir + "/root.qcow2");
    auto flavor =
        call(c, "POST", "/api/v1/flavors", {{"name", "guest"}, {"vcpus", 1}, {"ram_mb", 256}, {"disk_gb", 1}});
    REQUIRE(flavor.status == 201);
    const std::string key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIP0cRkc+wPSvQlfB0qMCHfgm/Tm0+Hkq6SGbe3UHHzYo";
    REQUIRE(call(c, "POST", "/api/v1/keypairs", {{"name", "mine"}, {"public_key", key + " me@example"}}).status == 201);

    auto created = call(c, "POST", "/api/v1/vms",
                        {{"name", "Guest One"},
                         {"flavor_id", flavor.body["id"]},
                         {"image_id", root},
                         {"key_name", "mine"},
                         {"user_data", "#cloud-config\nhello: world\n"}});
    INFO(created.body.dump());
    REQUIRE(created.status == 202);
    const std::string vm = created.body["vm"]["id"];
    auto op = test::wait_op(c, created.body["operation"]["id"], 180);
    INFO(op.dump());
    REQUIRE(op["status"] == "succeeded");
    CHECK(call(c, "GET", "/api/v1/vms/" + vm).body["image_id"] == root);

    const std::string log = console_until(c, vm, "KUMO-GUEST: ready", 120);
    INFO(log);
    CHECK(log.find("KUMO-GUEST: block devices: vda vdb") != std::string::npos);
    CHECK(log.find("KUMO-GUEST: cidata on vdb") != std::string::npos);
    CHECK(log.find("KUMO-GUEST: hostname=guest-one") != std::string::npos);
    CHECK(log.find("KUMO-GUEST: instance-id=" + vm) != std::string::npos);
    CHECK(log.find("KUMO-GUEST: keys=1") != std::string::npos);
    CHECK(log.find("KUMO-GUEST: user-data=#cloud-config|hello: world|") != std::string::npos);
    CHECK(log.find("KUMO-GUEST: root marker=kumo-test-root-disk") != std::string::npos);
    CHECK(log.find("KUMO-GUEST: ready") != std::string::npos);

    // The root disk is an overlay on the cached image: small, whatever the image's size.
    const std::string root_disk = pool.path + "/kumo-" + vm + "-root.qcow2";
    auto info = run_process({"qemu-img", "info", "-U", "--output=json", root_disk}, std::chrono::seconds(30));
    REQUIRE(info);
    const json disk = json::parse(info->out, nullptr, false);
    INFO(info->out << info->err);
    CHECK(disk.value("backing-filename", "") == pool.path + "/image-" + root);
    CHECK(disk.value("virtual-size", 0LL) == 1LL << 30);  // the flavor's 1 GiB, more than the image's 16 MiB
    CHECK(fs::file_size(root_disk) < (1 << 20));

    // A volume hot-plugged into the running guest shows up there; it cannot be deleted while attached.
    auto vol = call(c, "POST", "/api/v1/volumes", {{"name", "data"}, {"size_gb", 1}});
    REQUIRE(vol.status == 201);
    const std::string volume = vol.body["id"];
    auto attached = call(c, "POST", "/api/v1/vms/" + vm + "/volumes", {{"volume_id", volume}});
    INFO(attached.body.dump());
    REQUIRE(attached.status == 200);
    CHECK(attached.body["device"] == "vdc");
    CHECK(attached.body["status"] == "in-use");
    const std::string plugged = console_until(c, vm, "KUMO-GUEST: block devices now: vda vdb vdc", 60);
    CHECK(plugged.find("KUMO-GUEST: block devices now: vda vdb vdc") != std::string::npos);
    CHECK(call(c, "DELETE", "/api/v1/volumes/" + volume).status == 409);
    CHECK(call(c, "POST", "/api/v1/volumes/" + volume + "/actions/extend", {{"size_gb", 2}}).status == 409);
    CHECK(pool.files().count("volume-" + volume + ".qcow2") == 1);
    auto detached = call(c, "DELETE", "/api/v1/vms/" + vm + "/volumes/" + volume);
    INFO(detached.body.dump());
    REQUIRE(detached.status == 200);
    CHECK(detached.body["status"] == "available");
    wait_block_devices(c, vm, "vda vdb");  // the guest releases the disk on its own
    auto grown = call(c, "POST", "/api/v1/volumes/" + volume + "/actions/extend", {{"size_gb", 2}});
    CHECK(grown.status == 200);
    CHECK(grown.body["size_gb"] == 2);
    CHECK(call(c, "DELETE", "/api/v1/volumes/" + volume).status == 204);
    CHECK(pool.files().count("volume-" + volume + ".qcow2") == 0);

    // A snapshot with memory, then a revert: the guest's in-memory counter goes back.
    std::string log_now = console_until(c, vm, "KUMO-GUEST: tick 4", 60);
    auto snap = call(c, "POST", "/api/v1/vms/" + vm + "/snapshots", {{"name", "before"}});
    INFO(snap.body.dump());
    REQUIRE(snap.status == 201);
    CHECK(snap.body["memory"] == true);
    const int at_snapshot = last_tick(console_until(c, vm, "KUMO-GUEST: ready", 1));
    REQUIRE(at_snapshot >= 4);
    const std::string later = "KUMO-GUEST: tick " + std::to_string(at_snapshot + 6);
    const std::size_t before_revert = console_until(c, vm, later, 60).size();
    auto reverted =
        call(c, "POST", "/api/v1/vms/" + vm + "/snapshots/" + snap.body["id"].get<std::string>() + "/actions/revert");
    INFO(reverted.body.dump());
    REQUIRE(reverted.status == 200);
    CHECK(reverted.body["status"] == "active");
    int after = -1;
    for (int i = 0; i < 60 && after < 0; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(500));
        after = first_tick(console_until(c, vm, "KUMO-GUEST: ready", 1), before_revert);
    }
    INFO("tick at the snapshot " << at_snapshot << ", first after the revert " << after);
    CHECK(after > 0);
    CHECK(after <= at_snapshot + 2);  // it had counted past at_snapshot + 6 before the revert
    auto snaps = call(c, "GET", "/api/v1/vms/" + vm + "/snapshots");
    CHECK(snaps.body["items"].size() == 1);
    CHECK(call(c, "POST", "/api/v1/vms/" + vm + "/snapshots", {{"name", "disk-only"}, {"memory", false}}).status ==
          422);  // a running VM's snapshot has its memory
    CHECK(call(c, "DELETE", "/api/v1/vms/" + vm + "/snapshots/" + snap.body["id"].get<std::string>()).status == 204);
    CHECK(call(c, "GET", "/api/v1/vms/" + vm + "/snapshots").body["items"].empty());
    (void)log_now;

    // Images a VM uses cannot be deleted, nor can the kernel it boots.
    CHECK(call(c, "DELETE", "/api/v1/images/" + root).status == 409);
    CHECK(call(c, "DELETE", "/api/v1/images/" + kernel).status == 409);

    auto gone = call(c, "DELETE", "/api/v1/vms/" + vm);
    REQUIRE(gone.status == 202);
    REQUIRE(test::wait_op(c, gone.body["operation"]["id"])["status"] == "succeeded");
    CHECK(test::virsh_domstate(vm).empty());
    for (const auto& f : pool.files())
        CHECK(f.find(vm) == std::string::npos);  // root, config drive and console log are gone
    // With a cache TTL of 0, the next reconciliation (every second here) removes the unused cached images.
    bool collected = false;
    for (int i = 0; i < 60 && !collected; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(500));
        collected = pool.files().empty();
    }
    INFO(fmt::format("left in the pool: {}", fmt::join(pool.files(), " ")));
    CHECK(collected);
    CHECK(call(c, "DELETE", "/api/v1/images/" + root).status == 204);
    CHECK(call(c, "DELETE", "/api/v1/images/" + kernel).status == 204);

    // Volumes outlive the VM they are attached to.
    auto tiny = call(c, "POST", "/api/v1/flavors", {{"name", "tiny"}, {"vcpus", 1}, {"ram_mb", 64}});
    auto diskless = call(c, "POST", "/api/v1/vms", {{"name", "diskless"}, {"flavor_id", tiny.body["id"]}});
    REQUIRE(diskless.status == 202);
    const std::string fw = diskless.body["vm"]["id"];
    REQUIRE(test::wait_op(c, diskless.body["operation"]["id"], 180)["status"] == "succeeded");
    auto data = call(c, "POST", "/api/v1/volumes", {{"name", "fw-data"}, {"size_gb", 1}});
    REQUIRE(call(c, "POST", "/api/v1/vms/" + fw + "/volumes", {{"volume_id", data.body["id"]}}).status == 200);
    auto fw_gone = call(c, "DELETE", "/api/v1/vms/" + fw);
    REQUIRE(test::wait_op(c, fw_gone.body["operation"]["id"])["status"] == "succeeded");
    auto freed = call(c, "GET", "/api/v1/volumes/" + data.body["id"].get<std::string>()).body;
    CHECK(freed["status"] == "available");  // volumes outlive their VM
    CHECK(freed["attached_to"].is_null());
    CHECK(call(c, "DELETE", "/api/v1/volumes/" + data.body["id"].get<std::string>()).status == 204);

    // VMs created together from one image share one copy of it on the host. The image is big enough
    // (128 MiB) that its copy is still running when the other creates look for it.
    const std::string big_file = dir + "/big.raw";
    std::ofstream(big_file, std::ios::binary) << std::string(128 << 20, '\x5a');
    const std::string shared_root = upload_image(c, {{"name", "shared-root"}, {"disk_format", "raw"}}, big_file);
    std::vector<std::pair<std::string, std::string>> together;  // vm, operation
    for (int i = 0; i < 3; ++i) {
        auto made = call(
            c, "POST", "/api/v1/vms",
            {{"name", "together-" + std::to_string(i)}, {"flavor_id", tiny.body["id"]}, {"image_id", shared_root}});
        REQUIRE(made.status == 202);
        together.emplace_back(made.body["vm"]["id"], made.body["operation"]["id"]);
    }
    for (const auto& [id, op_id] : together)
        CHECK(test::wait_op(c, op_id, 180)["status"] == "succeeded");
    const std::string log_text = read_file(dir + "/daemon.log");
    std::size_t copies = 0;
    for (auto at = log_text.find("image " + shared_root + " copied"); at != std::string::npos;
         at = log_text.find("image " + shared_root + " copied", at + 1))
        ++copies;
    CHECK(copies == 1);
    for (const auto& [id, op_id] : together) {
        auto gone_vm = call(c, "DELETE", "/api/v1/vms/" + id);
        CHECK(test::wait_op(c, gone_vm.body["operation"]["id"])["status"] == "succeeded");
    }

    // A build QEMU refuses (4 TiB of RAM) leaves neither a domain nor a volume.
    const std::string host = call(c, "GET", "/api/v1/hosts").body["items"][0]["id"];
    REQUIRE(call(c, "PATCH", "/api/v1/hosts/" + host, {{"ram_allocation_ratio", 1000}}).status == 200);
    auto huge = call(c, "POST", "/api/v1/flavors", {{"name", "huge"}, {"vcpus", 1}, {"ram_mb", 4 * 1024 * 1024}});
    const std::string small_root = upload_image(c, {{"name", "small-root"}}, kGuestDir + "/root.qcow2");
    auto failing =
        call(c, "POST", "/api/v1/vms", {{"name", "too-big"}, {"flavor_id", huge.body["id"]}, {"image_id", small_root}});
    INFO(failing.body.dump());
    REQUIRE(failing.status == 202);
    const std::string failed_vm = failing.body["vm"]["id"];
    CHECK(test::wait_op(c, failing.body["operation"]["id"], 180)["status"] == "failed");
    CHECK(test::virsh_domstate(failed_vm).empty());
    for (const auto& f : pool.files())
        CHECK(f.find(failed_vm) == std::string::npos);
    auto removed = call(c, "DELETE", "/api/v1/vms/" + failed_vm);
    REQUIRE(removed.status == 202);
    CHECK(test::wait_op(c, removed.body["operation"]["id"])["status"] == "succeeded");
    CHECK(d.stop() == 0);
}

TEST_CASE("VM create refuses images it cannot boot, naming the field", "[qemu-image]") {
    const std::string dir = test::make_temp_dir("kumo-image-refusals");
    test::daemon_process d(dir, {"--simulate", "1"});
    auto c = d.admin();
    auto flavor = call(c, "POST", "/api/v1/flavors", {{"name", "small"}, {"vcpus", 1}, {"ram_mb", 64}, {"disk_gb", 1}});
    auto queued = call(c, "POST", "/api/v1/images", {{"name", "empty"}});
    auto refused = [&](const json& body, const std::string& field) {
        json req = body;
        req["name"] = "x";
        req["flavor_id"] = flavor.body["id"];
        auto r = call(c, "POST", "/api/v1/vms", req);
        INFO(r.body.dump());
        CHECK(r.status == 422);
        REQUIRE(r.body["errors"].size() >= 1);
        CHECK(r.body["errors"][0]["field"] == field);
    };
    refused({{"image_id", "no-such-image"}}, "image_id");
    refused({{"image_id", queued.body["id"]}}, "image_id");  // not active
    refused({{"key_name", "nobody-has-this"}}, "key_name");
    refused({{"user_data", 5}}, "user_data");
    CHECK(call(c, "POST", "/api/v1/keypairs", {{"name", "bad"}, {"public_key", "ssh-ed25519 bm90LWEta2V5"}}).status ==
          422);
    CHECK(call(c, "POST", "/api/v1/keypairs", {{"name", "bad"}, {"public_key", "ssh-dss AAAA"}}).status == 422);
    // No VM was recorded by any of these.
    CHECK(call(c, "GET", "/api/v1/vms").body["items"].empty());
}

TEST_CASE("volumes: sizes, quota, growth, deletion without a host", "[qemu-image]") {
    const std::string dir = test::make_temp_dir("kumo-volumes");
    test::daemon_process d(dir, {"--simulate", "1"});
    auto c = d.admin();
    auto bad = call(c, "POST", "/api/v1/volumes", {{"name", "v"}, {"size_gb", 0}});
    CHECK(bad.status == 422);
    CHECK(bad.body["errors"][0]["field"] == "size_gb");
    const std::string project = call(c, "GET", "/api/v1/auth/me").body["project"]["id"];
    REQUIRE(call(c, "PATCH", "/api/v1/projects/" + project + "/quota", {{"volumes", 1}, {"volume_gb", 3}}).status ==
            200);
    auto first = call(c, "POST", "/api/v1/volumes", {{"name", "v1"}, {"size_gb", 2}});
    REQUIRE(first.status == 201);
    CHECK(first.body["status"] == "available");
    CHECK(first.body["host_id"].is_null());  // no data anywhere until its first attach
    auto second = call(c, "POST", "/api/v1/volumes", {{"name", "v2"}, {"size_gb", 1}});
    CHECK(second.status == 409);
    CHECK(second.body["code"] == "quota_exceeded");
    const std::string id = first.body["id"];
    CHECK(call(c, "POST", "/api/v1/volumes/" + id + "/actions/extend", {{"size_gb", 2}}).status == 422);
    CHECK(call(c, "POST", "/api/v1/volumes/" + id + "/actions/extend", {{"size_gb", 4}}).status == 409);  // quota
    auto grown = call(c, "POST", "/api/v1/volumes/" + id + "/actions/extend", {{"size_gb", 3}});
    CHECK(grown.status == 200);
    CHECK(grown.body["size_gb"] == 3);
    auto quota = call(c, "GET", "/api/v1/projects/" + project + "/quota").body["quota"];
    CHECK(quota["volume_gb"]["in_use"] == 3);
    CHECK(quota["volumes"]["in_use"] == 1);
    CHECK(call(c, "DELETE", "/api/v1/volumes/" + id).status == 204);
    CHECK(call(c, "GET", "/api/v1/volumes/" + id).status == 404);
}

namespace {

json wait_image_active(const cli::api_client& c, const std::string& id) {
    json img;
    for (int i = 0; i < 240; ++i) {
        img = call(c, "GET", "/api/v1/images/" + id).body;
        if (img["status"] != "queued" && img["status"] != "saving")
            break;
        std::this_thread::sleep_for(std::chrono::milliseconds(500));
    }
    return img;
}

// The image's bytes, downloaded into `path`.
void download_image(const cli::api_client& c, const std::string& id, const std::string& path) {
    auto r = c.send("GET", "/api/v1/images/" + id + "/file");
    REQUIRE(r);
    REQUIRE(r->status == 200);
    std::ofstream(path, std::ios::binary) << r->body["raw"].get<std::string>();
}

// qemu-img compare: the guest sees the same bytes (a larger disk's rest reads as zeros).
bool same_disk_content(const std::string& a, const std::string& b) {
    auto r = run_process({"qemu-img", "compare", "-U", a, b}, std::chrono::seconds(60));
    INFO((r ? r->out + r->err : r.error().detail));
    return r && r->exit_code == 0;
}

json qemu_img_info(const std::string& path) {
    auto info = run_process({"qemu-img", "info", "-U", "--output=json", path}, std::chrono::seconds(30));
    REQUIRE(info);
    return json::parse(info->out, nullptr, false);
}

std::string boot_vm(const cli::api_client& c, const json& body) {
    auto created = call(c, "POST", "/api/v1/vms", body);
    INFO(created.body.dump());
    REQUIRE(created.status == 202);
    auto op = test::wait_op(c, created.body["operation"]["id"], 180);
    INFO(op.dump());
    REQUIRE(op["status"] == "succeeded");
    return created.body["vm"]["id"];
}

void delete_vm(const cli::api_client& c, const std::string& id) {
    auto gone = call(c, "DELETE", "/api/v1/vms/" + id);
    REQUIRE(gone.status == 202);
    CHECK(test::wait_op(c, gone.body["operation"]["id"])["status"] == "succeeded");
}

}  // namespace

TEST_CASE("volumes from images and snapshots, exports as images, ephemeral disks, ISO installs", "[qemu-image]") {
    build_guest();
    test_pool pool;
    test_pool typed("-fast");  // a volume type's pool: the volumes below live there, images in the main pool
    const std::string dir = test::make_temp_dir("kumo-qemu-volumes");
    const json types = {
        {"fast", {{"kind", "dir"}, {"pool", typed.name}, {"path", typed.path}, {"description", "2nd"}}}};
    test::daemon_process d(dir, {},
                           {{"KUMO_VIRT_TYPE", "qemu"},
                            {"KUMO_STORAGE_POOL", pool.name},
                            {"KUMO_STORAGE_POOL_PATH", pool.path},
                            {"KUMO_VOLUME_TYPES", types.dump()},
                            {"KUMO_QUOTA_RAM_MB", "-1"}});
    auto c = d.admin();
    auto listed_types = call(c, "GET", "/api/v1/volume-types").body["items"];
    REQUIRE(listed_types.size() == 2);
    CHECK(listed_types[0]["name"] == "default");
    CHECK(listed_types[1]["name"] == "fast");
    CHECK(listed_types[1]["kind"] == "dir");
    const auto [kernel, ramdisk, root] = test::upload_guest(c);
    const std::string iso = upload_image(c, {{"name", "installer"}}, kGuestDir + "/installer.iso");
    CHECK(call(c, "GET", "/api/v1/images/" + iso).body["disk_format"] == "iso");
    auto eph = call(c, "POST", "/api/v1/flavors",
                    {{"name", "eph"}, {"vcpus", 1}, {"ram_mb", 256}, {"disk_gb", 1}, {"ephemeral_gb", 1}});
    REQUIRE(eph.status == 201);
    CHECK(eph.body["ephemeral_gb"] == 1);

    // The flavor's ephemeral disk is vdc: after the root disk and the config drive.
    const std::string vm = boot_vm(c, {{"name", "eph"}, {"flavor_id", eph.body["id"]}, {"image_id", root}});
    std::string log = console_until(c, vm, "KUMO-GUEST: ready", 120);
    INFO(log);
    CHECK(log.find("KUMO-GUEST: block devices: vda vdb vdc") != std::string::npos);
    CHECK(pool.files().count("kumo-" + vm + "-ephemeral.qcow2") == 1);
    CHECK(qemu_img_info(pool.path + "/kumo-" + vm + "-ephemeral.qcow2").value("virtual-size", 0LL) == 1LL << 30);

    // A volume from the image holds the image's data: hot-plugged, the guest finds the root disk's marker.
    // Its type's pool is not the image's: the copy crosses pools.
    auto from_image =
        call(c, "POST", "/api/v1/volumes", {{"name", "from-image"}, {"image_id", root}, {"volume_type", "fast"}});
    INFO(from_image.body.dump());
    REQUIRE(from_image.status == 201);
    CHECK(from_image.body["volume_type"] == "fast");
    CHECK(from_image.body["size_gb"] == 1);  // the image's 16 MiB, rounded up
    CHECK(from_image.body["image_id"] == root);
    const std::string vol1 = from_image.body["id"];
    auto attached = call(c, "POST", "/api/v1/vms/" + vm + "/volumes", {{"volume_id", vol1}});
    INFO(attached.body.dump());
    REQUIRE(attached.status == 200);
    CHECK(attached.body["device"] == "vdd");  // vdc is the ephemeral disk
    log = console_until(c, vm, "KUMO-GUEST: marker on vdd=kumo-test-root-disk", 60);
    CHECK(log.find("KUMO-GUEST: marker on vdd=kumo-test-root-disk") != std::string::npos);
    CHECK(qemu_img_info(typed.path + "/volume-" + vol1 + ".qcow2").value("virtual-size", 0LL) == 1LL << 30);
    CHECK(pool.files().count("volume-" + vol1 + ".qcow2") == 0);

    // Snapshots of a volume in use by a running VM are refused; detached, it copies the file.
    CHECK(call(c, "POST", "/api/v1/volumes/" + vol1 + "/snapshots", {{"name", "s"}}).status == 409);
    REQUIRE(call(c, "DELETE", "/api/v1/vms/" + vm + "/volumes/" + vol1).status == 200);
    wait_block_devices(c, vm, "vda vdb vdc");  // the guest let go of vdd: the next volume there is news to it
    auto snap = call(c, "POST", "/api/v1/volumes/" + vol1 + "/snapshots", {{"name", "s1"}});
    INFO(snap.body.dump());
    REQUIRE(snap.status == 201);
    const std::string snap_id = snap.body["id"];
    CHECK(snap.body["host_id"].is_string());
    CHECK(typed.files().count("volsnap-" + snap_id + ".qcow2") == 1);
    CHECK(call(c, "GET", "/api/v1/volumes/" + vol1 + "/snapshots").body["items"].size() == 1);
    CHECK(call(c, "DELETE", "/api/v1/volumes/" + vol1).status == 409);  // it has a snapshot

    // A volume from the snapshot, larger: made at once on the snapshot's host, and the data is there.
    auto from_snap =
        call(c, "POST", "/api/v1/volumes", {{"name", "from-snap"}, {"snapshot_id", snap_id}, {"size_gb", 2}});
    INFO(from_snap.body.dump());
    REQUIRE(from_snap.status == 201);
    const std::string vol2 = from_snap.body["id"];
    CHECK(from_snap.body["host_id"] == snap.body["host_id"]);
    CHECK(from_snap.body["snapshot_id"] == snap_id);
    CHECK(from_snap.body["volume_type"] == "fast");  // the snapshot's volume's
    CHECK(qemu_img_info(typed.path + "/volume-" + vol2 + ".qcow2").value("virtual-size", 0LL) == 2LL << 30);
    const std::size_t seen = console_until(c, vm, "KUMO-GUEST: ready", 1).size();
    REQUIRE(call(c, "POST", "/api/v1/vms/" + vm + "/volumes", {{"volume_id", vol2}}).status == 200);
    for (int i = 0; i < 120 && log.find("marker on vdd", seen) == std::string::npos; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(500));
        log = console_until(c, vm, "KUMO-GUEST: ready", 1);
    }
    CHECK(log.find("KUMO-GUEST: marker on vdd=kumo-test-root-disk", seen) != std::string::npos);
    REQUIRE(call(c, "DELETE", "/api/v1/vms/" + vm + "/volumes/" + vol2).status == 200);

    // Snapshot and source go their own ways.
    CHECK(call(c, "DELETE", "/api/v1/volumes/" + vol1 + "/snapshots/" + snap_id).status == 204);
    CHECK(typed.files().count("volsnap-" + snap_id + ".qcow2") == 0);
    CHECK(call(c, "DELETE", "/api/v1/volumes/" + vol1).status == 204);

    // A volume exported as an image: a standalone qcow2 with the same content as the guest sees.
    auto exported = call(c, "POST", "/api/v1/volumes/" + vol2 + "/actions/upload-to-image", {{"name", "vol-export"}});
    INFO(exported.body.dump());
    REQUIRE(exported.status == 202);
    json img = wait_image_active(c, exported.body["id"]);
    INFO(img.dump());
    REQUIRE(img["status"] == "active");
    CHECK(img["disk_format"] == "qcow2");
    CHECK(img["properties"]["source_volume_id"] == vol2);
    download_image(c, img["id"], dir + "/vol-export.qcow2");
    CHECK_FALSE(qemu_img_info(dir + "/vol-export.qcow2").contains("backing-filename"));
    CHECK(same_disk_content(dir + "/vol-export.qcow2", kGuestDir + "/root.qcow2"));
    CHECK(call(c, "DELETE", "/api/v1/volumes/" + vol2).status == 204);

    // A stopped VM's root disk as an image (Nova's createImage): flattened, and it boots like the VM did.
    CHECK(call(c, "POST", "/api/v1/vms/" + vm + "/actions/create-image", {{"name", "running"}}).status == 409);
    CHECK(call(c, "POST", "/api/v1/vms/" + vm + "/actions/clone", {{"name", "running"}}).status == 409);
    auto stop = call(c, "POST", "/api/v1/vms/" + vm + "/actions/stop", {{"force", true}});
    INFO(stop.body.dump());
    REQUIRE(stop.status == 202);
    REQUIRE(test::wait_op(c, stop.body["operation"]["id"])["status"] == "succeeded");
    auto captured = call(c, "POST", "/api/v1/vms/" + vm + "/actions/create-image", {{"name", "captured"}});
    INFO(captured.body.dump());
    REQUIRE(captured.status == 202);
    img = wait_image_active(c, captured.body["id"]);
    INFO(img.dump());
    REQUIRE(img["status"] == "active");
    CHECK(img["properties"]["kernel_id"] == kernel);
    CHECK(img["properties"]["instance_uuid"] == vm);
    CHECK(img["min_disk_gb"] == 1);
    download_image(c, img["id"], dir + "/captured.qcow2");
    CHECK(same_disk_content(dir + "/captured.qcow2", kGuestDir + "/root.qcow2"));
    for (const auto& f : pool.files())
        CHECK(f.rfind("export-", 0) != 0);  // the host-side copies are gone

    // A clone of the stopped VM: on its host, with its own standalone copy of the root disk and its own
    // identity on the config drive.
    auto cloned = call(c, "POST", "/api/v1/vms/" + vm + "/actions/clone", {{"name", "Eph Clone"}});
    INFO(cloned.body.dump());
    REQUIRE(cloned.status == 202);
    const std::string clone = cloned.body["vm"]["id"];
    REQUIRE(test::wait_op(c, cloned.body["operation"]["id"], 180)["status"] == "succeeded");
    CHECK(call(c, "GET", "/api/v1/vms/" + clone).body["host_id"] ==
          call(c, "GET", "/api/v1/vms/" + vm).body["host_id"]);
    log = console_until(c, clone, "KUMO-GUEST: ready", 120);
    CHECK(log.find("KUMO-GUEST: hostname=eph-clone") != std::string::npos);
    CHECK(log.find("KUMO-GUEST: instance-id=" + clone) != std::string::npos);
    CHECK(log.find("KUMO-GUEST: root marker=kumo-test-root-disk") != std::string::npos);
    CHECK(log.find("KUMO-GUEST: block devices: vda vdb vdc") != std::string::npos);  // ephemeral too
    const std::string clone_root = pool.path + "/kumo-" + clone + "-root.qcow2";
    CHECK_FALSE(qemu_img_info(clone_root).contains("backing-filename"));
    CHECK(same_disk_content(clone_root, kGuestDir + "/root.qcow2"));
    CHECK(call(c, "GET", "/api/v1/vms/" + vm).body["status"] == "stopped");  // the source is untouched
    delete_vm(c, clone);
    delete_vm(c, vm);
    auto plain = call(c, "POST", "/api/v1/flavors", {{"name", "plain"}, {"vcpus", 1}, {"ram_mb", 256}, {"disk_gb", 1}});
    const std::string again =
        boot_vm(c, {{"name", "from-capture"}, {"flavor_id", plain.body["id"]}, {"image_id", img["id"]}});
    log = console_until(c, again, "KUMO-GUEST: ready", 120);
    CHECK(log.find("KUMO-GUEST: root marker=kumo-test-root-disk") != std::string::npos);
    delete_vm(c, again);

    // An ISO boots as a CD-ROM through the BIOS onto a blank root disk; a flavor without a disk is refused.
    auto diskless = call(c, "POST", "/api/v1/flavors", {{"name", "no-disk"}, {"vcpus", 1}, {"ram_mb", 256}});
    auto refused =
        call(c, "POST", "/api/v1/vms", {{"name", "x"}, {"flavor_id", diskless.body["id"]}, {"image_id", iso}});
    CHECK(refused.status == 422);
    CHECK(refused.body["errors"][0]["field"] == "flavor_id");
    const std::string installer =
        boot_vm(c, {{"name", "installer"}, {"flavor_id", plain.body["id"]}, {"image_id", iso}});
    log = console_until(c, installer, "KUMO-GUEST: ready", 180);
    INFO(log);
    CHECK(log.find("KUMO-GUEST: booted from iso") != std::string::npos);
    CHECK(log.find("KUMO-GUEST: cdrom devices: sr0") != std::string::npos);
    CHECK(log.find("KUMO-GUEST: block devices: vda vdb") != std::string::npos);
    CHECK(log.find("root marker") == std::string::npos);  // the root disk is blank
    const json blank = qemu_img_info(pool.path + "/kumo-" + installer + "-root.qcow2");
    CHECK_FALSE(blank.contains("backing-filename"));
    CHECK(blank.value("virtual-size", 0LL) == 1LL << 30);
    delete_vm(c, installer);
    for (const auto& f : pool.files())
        CHECK((f.rfind("image-", 0) == 0));  // only cached images are left
    CHECK(d.stop() == 0);
}

TEST_CASE("volume sources are checked; snapshots of volumes without data; snapshots count in volume_gb",
          "[qemu-image]") {
    const std::string dir = test::make_temp_dir("kumo-volume-sources");
    test::daemon_process d(dir, {"--simulate", "1"});
    auto c = d.admin();
    auto made =
        run_process({"qemu-img", "create", "-q", "-f", "qcow2", dir + "/two.qcow2", "2G"}, std::chrono::seconds(30));
    REQUIRE(made);
    REQUIRE(made->exit_code == 0);
    const std::string image = upload_image(c, {{"name", "two-gib"}}, dir + "/two.qcow2");
    auto refused = [&](const json& body, const std::string& field) {
        json req = body;
        req["name"] = "v";
        auto r = call(c, "POST", "/api/v1/volumes", req);
        INFO(r.body.dump());
        CHECK(r.status == 422);
        REQUIRE(r.body["errors"].size() >= 1);
        CHECK(r.body["errors"][0]["field"] == field);
    };
    refused(json::object(), "size_gb");  // a blank volume needs a size
    refused({{"image_id", "no-such-image"}}, "image_id");
    refused({{"size_gb", 1}, {"volume_type", "no-such-type"}}, "volume_type");
    refused({{"image_id", image}, {"size_gb", 1}}, "size_gb");  // smaller than the image's disk
    refused({{"snapshot_id", "no-such-snapshot"}}, "snapshot_id");
    refused({{"image_id", image}, {"snapshot_id", "x"}}, "snapshot_id");
    CHECK(call(c, "GET", "/api/v1/volumes").body["items"].empty());  // nothing half-made

    auto vol = call(c, "POST", "/api/v1/volumes", {{"name", "from-image"}, {"image_id", image}});
    INFO(vol.body.dump());
    REQUIRE(vol.status == 201);
    CHECK(vol.body["size_gb"] == 2);
    const std::string id = vol.body["id"];
    // Never attached, it has no data yet: its snapshot names the image instead of a copy, and cannot be exported.
    auto snap = call(c, "POST", "/api/v1/volumes/" + id + "/snapshots", {{"name", "early"}});
    INFO(snap.body.dump());
    REQUIRE(snap.status == 201);
    CHECK(snap.body["host_id"].is_null());
    CHECK(snap.body["size_gb"] == 2);
    auto again = call(c, "POST", "/api/v1/volumes", {{"name", "from-snap"}, {"snapshot_id", snap.body["id"]}});
    REQUIRE(again.status == 201);
    CHECK(again.body["image_id"] == image);
    CHECK(again.body["host_id"].is_null());
    CHECK(call(c, "POST", "/api/v1/volumes/" + id + "/actions/upload-to-image", {{"name", "x"}}).status == 409);
    CHECK(call(c, "DELETE", "/api/v1/images/" + image).status == 409);  // volumes still start from it

    // volume_gb counts volumes and snapshots: 2 + 2 + 2 in use.
    const std::string project = call(c, "GET", "/api/v1/auth/me").body["project"]["id"];
    CHECK(call(c, "GET", "/api/v1/projects/" + project + "/quota").body["quota"]["volume_gb"]["in_use"] == 6);
    REQUIRE(call(c, "PATCH", "/api/v1/projects/" + project + "/quota", {{"volume_gb", 7}}).status == 200);
    auto over = call(c, "POST", "/api/v1/volumes/" + id + "/snapshots", {{"name", "one-too-many"}});
    CHECK(over.status == 409);
    CHECK(over.body["code"] == "quota_exceeded");

    CHECK(call(c, "DELETE", "/api/v1/volumes/" + id).status == 409);  // it has a snapshot
    CHECK(call(c, "GET", "/api/v1/volumes/" + id + "/snapshots/no-such").status == 404);
    CHECK(call(c, "DELETE", "/api/v1/volumes/" + id + "/snapshots/" + snap.body["id"].get<std::string>()).status ==
          204);
    CHECK(call(c, "DELETE", "/api/v1/volumes/" + id).status == 204);
    CHECK(call(c, "DELETE", "/api/v1/volumes/" + again.body["id"].get<std::string>()).status == 204);
    CHECK(call(c, "DELETE", "/api/v1/images/" + image).status == 204);
}
