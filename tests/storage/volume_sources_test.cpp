// Volumes on real QEMU: created from images and from snapshots, exported as images, ephemeral disks and
// ISO installs seen by the guest; then the checks on volume sources and snapshot quota, without a guest.
#include "qemu_storage.hpp"

#include "cli_runner.hpp"

using namespace kumo;
using namespace kumo::qemu_storage;  // the shared steps, and the test harness names they use

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
    // With the CLI, by the VM's name, as a user would.
    const std::string cli_config = test::make_temp_dir("kumo-qemu-volumes-cli");
    test::kumo_login_admin(cli_config, d.url(), d.fingerprint());
    const auto cloned = test::kumo_cli(cli_config, "vm clone eph 'Eph Clone' -o json");
    INFO(cloned.out);
    REQUIRE(cloned.code == 0);
    const json clone_reply = json::parse(cloned.out);
    const std::string clone = clone_reply["vm"]["id"];
    REQUIRE(test::wait_op(c, clone_reply["operation"]["id"], 180)["status"] == "succeeded");
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
