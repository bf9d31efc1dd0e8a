// The test guest through the API (see test_guest.hpp).
#include "test_guest.hpp"

#include "daemon_process.hpp"
#include "kumo/core/subprocess.hpp"

#include <filesystem>
#include <fstream>
#include <iterator>
#include <thread>
#include "kumo_catch.hpp"

namespace kumo::test {
namespace {

std::string read_whole(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

}  // namespace

void build_guest() {
    auto built = run_process({"bash", std::string(KUMO_SOURCE_DIR) + "/tests/guest/build-test-guest.sh", kGuestDir},
                             std::chrono::seconds(600));
    REQUIRE(built);
    INFO(built->out << built->err);
    REQUIRE(built->exit_code == 0);
}

std::string upload_image(const cli::api_client& c, json create, const std::string& file) {
    auto made = call(c, "POST", "/api/v1/images", create);
    INFO(made.body.dump());
    REQUIRE(made.status == 201);
    const std::string id = made.body["id"];
    auto r =
        c.send("PUT", "/api/v1/images/" + id + "/file", std::nullopt, read_whole(file), "application/octet-stream");
    REQUIRE(r);
    INFO(r->body.dump());
    REQUIRE(r->status == 200);
    return id;
}

std::string console_until(const cli::api_client& c, const std::string& vm, const std::string& marker, int timeout_s) {
    std::string log;
    for (int i = 0; i < timeout_s * 2; ++i) {
        auto r = c.send("GET", "/api/v1/vms/" + vm + "/console-log");
        REQUIRE(r);
        if (r->status == 200) {
            log = r->body.is_object() && r->body.contains("raw") ? r->body["raw"].get<std::string>() : r->body.dump();
            if (log.find(marker) != std::string::npos)
                return log;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(500));
    }
    return log;
}

guest_images upload_guest(const cli::api_client& c) {
    guest_images g;
    g.kernel = upload_image(c, {{"name", "kernel"}}, kGuestDir + "/vmlinuz");
    g.ramdisk = upload_image(c, {{"name", "ramdisk"}}, kGuestDir + "/initrd.gz");
    g.root = upload_image(
        c,
        {{"name", "guest-root"},
         {"properties",
          {{"kernel_id", g.kernel}, {"ramdisk_id", g.ramdisk}, {"os_command_line", "console=ttyS0 panic=-1"}}}},
        kGuestDir + "/root.qcow2");
    return g;
}

std::set<std::string> files_in(const std::string& dir) {
    std::set<std::string> out;
    std::error_code ec;
    for (const auto& e : std::filesystem::directory_iterator(dir, ec))
        out.insert(e.path().filename().string());
    return out;
}

}  // namespace kumo::test
