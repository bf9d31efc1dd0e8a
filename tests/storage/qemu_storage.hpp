// What the QEMU storage tests share: the libvirt pool each test owns, the guest's console reports, and
// the image and VM steps of the API that both files repeat.
#pragma once
#include "daemon_process.hpp"
#include "kumo/core/subprocess.hpp"
#include "test_guest.hpp"
#include "virsh.hpp"

#include <unistd.h>
#include <filesystem>
#include <fstream>
#include <thread>
#include "kumo_catch.hpp"

namespace kumo::qemu_storage {

using kumo::test::build_guest;
using kumo::test::call;
using kumo::test::console_until;
using kumo::test::kGuestDir;
using kumo::test::upload_image;
namespace fs = std::filesystem;
inline std::string read_file(const std::string& path) {
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
inline int last_tick(const std::string& log, std::size_t from = 0) {
    const std::string tag = "KUMO-GUEST: tick ";
    int last = -1;
    for (auto at = log.find(tag, from); at != std::string::npos; at = log.find(tag, at + 1))
        last = std::atoi(log.c_str() + at + tag.size());
    return last;
}

// The number of the first "tick N" at or after `from`; -1 when there is none.
inline int first_tick(const std::string& log, std::size_t from) {
    const std::string tag = "KUMO-GUEST: tick ";
    auto at = log.find(tag, from);
    return at == std::string::npos ? -1 : std::atoi(log.c_str() + at + tag.size());
}

// The guest's latest "block devices now:" report, trimmed.
inline std::string last_block_devices(const std::string& log) {
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
inline void wait_block_devices(const cli::api_client& c, const std::string& vm, const std::string& devices) {
    std::string last_seen;
    for (int i = 0; i < 120 && last_seen != devices; ++i) {
        last_seen = last_block_devices(console_until(c, vm, "KUMO-GUEST: ready", 1));
        std::this_thread::sleep_for(std::chrono::milliseconds(500));
    }
    CHECK(last_seen == devices);
}

inline json wait_image_active(const cli::api_client& c, const std::string& id) {
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
inline void download_image(const cli::api_client& c, const std::string& id, const std::string& path) {
    auto r = c.send("GET", "/api/v1/images/" + id + "/file");
    REQUIRE(r);
    REQUIRE(r->status == 200);
    std::ofstream(path, std::ios::binary) << r->body["raw"].get<std::string>();
}

// qemu-img compare: the guest sees the same bytes (a larger disk's rest reads as zeros).
inline bool same_disk_content(const std::string& a, const std::string& b) {
    auto r = run_process({"qemu-img", "compare", "-U", a, b}, std::chrono::seconds(60));
    INFO((r ? r->out + r->err : r.error().detail));
    return r && r->exit_code == 0;
}

inline json qemu_img_info(const std::string& path) {
    auto info = run_process({"qemu-img", "info", "-U", "--output=json", path}, std::chrono::seconds(30));
    REQUIRE(info);
    return json::parse(info->out, nullptr, false);
}

inline std::string boot_vm(const cli::api_client& c, const json& body) {
    auto created = call(c, "POST", "/api/v1/vms", body);
    INFO(created.body.dump());
    REQUIRE(created.status == 202);
    auto op = test::wait_op(c, created.body["operation"]["id"], 180);
    INFO(op.dump());
    REQUIRE(op["status"] == "succeeded");
    return created.body["vm"]["id"];
}

inline void delete_vm(const cli::api_client& c, const std::string& id) {
    auto gone = call(c, "DELETE", "/api/v1/vms/" + id);
    REQUIRE(gone.status == 202);
    CHECK(test::wait_op(c, gone.body["operation"]["id"])["status"] == "succeeded");
}

}  // namespace kumo::qemu_storage
