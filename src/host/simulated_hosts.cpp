// Simulated hosts (`kumo serve --simulate N`): libvirt test-driver node files, registered as hosts.
#include "simulated_hosts.hpp"

#include "kumo/core/clock.hpp"
#include "kumo/core/ids.hpp"
#include "kumo/host/host_repo.hpp"

#include <fmt/format.h>
#include <filesystem>
#include <fstream>

namespace kumo {

result<std::string> write_simulated_host(const std::string& dir, int index) {
    // Each simulated host has its own capacity: 16, 32 or 64 CPUs with 4 GiB of RAM per CPU.
    const int cpus = 16 << ((index - 1) % 3);
    const long long memory_kib = static_cast<long long>(cpus) * 4 * 1024 * 1024;
    const std::string path = fmt::format("{}/sim-{}.xml", dir, index);
    std::ofstream out(path, std::ios::trunc);
    out << fmt::format(
        "<node>\n  <cpu>\n    <mhz>2400</mhz>\n    <model>x86_64</model>\n    <active>{}</active>\n"
        "    <nodes>1</nodes>\n    <sockets>1</sockets>\n    <cores>{}</cores>\n    <threads>1</threads>\n"
        "  </cpu>\n  <memory>{}</memory>\n"
        // A storage pool named "default" gives the host a disk capacity (the test driver reports 100 GiB).
        "  <pool type='dir'>\n    <name>default</name>\n    <target><path>/default-pool</path></target>\n"
        "  </pool>\n</node>\n",
        cpus, cpus, memory_kib);
    if (!out)
        return make_error(errc::internal, "cannot write " + path);
    return path;
}

result<void> register_simulated_hosts(sql::database& db, const config& cfg) {
    const std::string dir = cfg.data_dir + "/sim";
    std::filesystem::create_directories(dir);
    for (int i = 1; i <= cfg.simulate; ++i) {
        KUMO_TRY(auto path, write_simulated_host(dir, i));
        KUMO_TRY_VOID(db.transaction([&]() -> result<void> {
            for (const auto& h : repo::all_hosts(db))
                if (h.uri == "test://" + path)
                    return {};
            host h;
            h.id = new_uuid();
            h.name = fmt::format("sim-{}", i);
            h.uri = "test://" + path;
            h.virt_type = "test";
            h.created_at = h.updated_at = to_rfc3339(system_clock().now());
            repo::insert_host(db, h);
            return {};
        }));
    }
    return {};
}

}  // namespace kumo
