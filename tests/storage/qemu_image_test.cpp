// The whole image path on real QEMU (emulated: Linux guests do not run under this machine's nested
// KVM): a guest built from Debian packages is uploaded (kernel, ramdisk, qcow2 root), booted from a
// qcow2 overlay on the host's cached copy, and reports on its serial console what it found: its block
// devices, the NoCloud drive's hostname, instance id, SSH key and user-data, and the root disk's marker.
// Then: images in use cannot be deleted, deleting the VM removes its volumes, unused cached images are
// collected, and a build that fails leaves no volume behind.
#include "qemu_storage.hpp"

#include "cli_runner.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

using namespace kumo;
using namespace kumo::qemu_storage;  // the shared steps, and the test harness names they use

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
                            {"KUMO_QUOTA_RAM_MB", "-1"},
                            {"KUMO_TEST_FAULTS_FILE", dir + "/test-faults"}});
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

    // Made with the CLI as a user would: names for the flavor, image and key, user-data from a file.
    const std::string cli_config = test::make_temp_dir("kumo-qemu-image-cli");
    test::kumo_login_admin(cli_config, d.url(), d.fingerprint());
    const auto kumo = [&](const std::string& args) {
        auto r = test::kumo_cli(cli_config, args);
        INFO("kumo " << args << "\n" << r.out);
        REQUIRE(r.code == 0);
        return json::parse(r.out);
    };
    std::ofstream(cli_config + "/user-data") << "#cloud-config\nhello: world\n";
    const json created = kumo("vm create 'Guest One' --flavor guest --image guest-root --key-name mine --user-data " +
                              cli_config + "/user-data -o json");
    const std::string vm = created["vm"]["id"];
    auto op = test::wait_op(c, created["operation"]["id"], 180);
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
    const json reverted = kumo("vm revert 'Guest One' before -o json");  // the CLI, by names
    CHECK(reverted["status"] == "active");
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

    // A config drive that cannot be written (a full disk, on demand: the test fault point) fails the
    // build instead of booting the guest without its key and user-data; its claim and disks go with it.
    const auto ram_used = [&] {
        return call(c, "GET", "/api/v1/hosts/" + host).body["scheduling"]["used"]["ram_mb"].get<int>();
    };
    const int ram_before = ram_used();
    std::ofstream(dir + "/test-faults") << "config-drive-write *\n";
    auto no_drive = call(c, "POST", "/api/v1/vms",
                         {{"name", "no-drive"}, {"flavor_id", tiny.body["id"]}, {"image_id", small_root}});
    REQUIRE(no_drive.status == 202);
    const std::string no_drive_vm = no_drive.body["vm"]["id"];
    const json drive_op = test::wait_op(c, no_drive.body["operation"]["id"], 180);
    std::ofstream(dir + "/test-faults", std::ios::trunc).flush();
    INFO(drive_op.dump());
    CHECK(drive_op["status"] == "failed");
    CHECK(drive_op["error"]["detail"].get<std::string>().find("config drive") != std::string::npos);
    const json no_drive_now = call(c, "GET", "/api/v1/vms/" + no_drive_vm).body;
    CHECK(no_drive_now["status"] == "error");
    CHECK(ram_used() == ram_before);  // the build's claim is released
    CHECK(test::virsh_domstate(no_drive_vm).empty());
    for (const auto& f : pool.files())
        CHECK(f.find(no_drive_vm) == std::string::npos);
    auto no_drive_gone = call(c, "DELETE", "/api/v1/vms/" + no_drive_vm);
    REQUIRE(no_drive_gone.status == 202);
    CHECK(test::wait_op(c, no_drive_gone.body["operation"]["id"])["status"] == "succeeded");
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
