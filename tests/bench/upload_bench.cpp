// Image upload through the API vs the two floors it combines: `dd` of the same file to the same disk
// (writing) and `sha256sum` of it (hashing), in the same run; the daemon's resident memory during the
// upload; and root-disk creation on the local host's pool, overlay vs full copy, for a small and a
// large image (the overlay's time must not grow with the image).
#include "bench.hpp"
#include "daemon_child.hpp"
#include "kumo/cli/client.hpp"
#include "kumo/core/subprocess.hpp"
#include "kumo/libvirt/libvirt_driver.hpp"

#include <fmt/format.h>
#include <unistd.h>
#include <atomic>
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/write.hpp>
#include <filesystem>
#include <fstream>
#include <thread>

namespace kumo::bench {
namespace {

namespace fs = std::filesystem;

// Incompressible bytes, fast to make (xorshift), so neither side benefits from zero pages.
void make_file(const std::string& path, std::int64_t bytes) {
    std::ofstream out(path, std::ios::binary);
    std::vector<std::uint64_t> block((1 << 20) / 8);
    std::uint64_t x = 0x9e3779b97f4a7c15ULL;
    for (std::int64_t written = 0; written < bytes; written += 1 << 20) {
        for (auto& w : block) {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            w = x;
        }
        out.write(reinterpret_cast<const char*>(block.data()), 1 << 20);
    }
}

double timed(const std::vector<std::string>& argv) {
    const auto t0 = std::chrono::steady_clock::now();
    auto r = run_process(argv, std::chrono::minutes(10));
    const double s = seconds_since(t0);
    if (!r || r->exit_code != 0)
        fmt::print(stderr, "{} failed\n", describe_command(argv));
    return s;
}

double rss_mib(pid_t pid) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/status");
    std::string line;
    while (std::getline(in, line))
        if (line.rfind("VmRSS:", 0) == 0)
            return std::stod(line.substr(6)) / 1024.0;
    return -1;
}

// PUT of the file on a plain socket, streamed from disk in 1 MiB writes; returns the HTTP status.
int stream_upload(const std::string& url, const std::string& token, const std::string& id, const std::string& file) {
    const std::string port = url.substr(url.rfind(':') + 1);
    boost::asio::io_context io;
    boost::asio::ip::tcp::socket s(io);
    boost::asio::connect(s, boost::asio::ip::tcp::resolver(io).resolve("127.0.0.1", port));
    const auto size = fs::file_size(file);
    const std::string head = fmt::format(
        "PUT /api/v1/images/{}/file HTTP/1.1\r\nHost: bench\r\nAuthorization: Bearer {}\r\n"
        "Content-Type: application/octet-stream\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        id, token, size);
    boost::asio::write(s, boost::asio::buffer(head));
    std::ifstream in(file, std::ios::binary);
    std::vector<char> buf(1 << 20);
    while (in) {
        in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
        if (in.gcount() > 0)
            boost::asio::write(s, boost::asio::buffer(buf.data(), static_cast<std::size_t>(in.gcount())));
    }
    boost::asio::streambuf answer;
    boost::asio::read_until(s, answer, "\r\n");
    std::istream status_line(&answer);
    std::string http;
    int status = 0;
    status_line >> http >> status;
    return status;
}

// Root-disk creation on qemu:///system: overlay vs copy, small vs large image. Needs root.
void root_disk_figures(const std::string& large_file, std::int64_t large_bytes) {
    if (geteuid() != 0) {
        fmt::print("root disks: skipped (needs root for qemu:///system)\n");
        return;
    }
    auto driver = make_libvirt_driver();
    auto conn = driver->connect("qemu:///system", {});
    if (!conn) {
        fmt::print("root disks: skipped ({})\n", conn.error().detail);
        return;
    }
    auto& c = **conn;
    const std::string pool = "kumo-bench-" + std::to_string(getpid());
    const std::string path = "/var/lib/kumo-bench/" + std::to_string(getpid());
    if (!c.ensure_pool({pool, "dir", path})) {
        fmt::print("root disks: cannot make a pool\n");
        return;
    }
    const std::string small_file = path + ".small";
    make_file(small_file, 16 << 20);
    fmt::print("\nroot disk creation (local pool, one run each)\n");
    fmt::print("  {:<18} {:>12} {:>12}\n", "image", "overlay s", "full copy s");
    for (const auto& [label, file, bytes] :
         {std::tuple<std::string, std::string, std::int64_t>{"16 MiB", small_file, 16 << 20},
          {fmt::format("{} MiB", large_bytes >> 20), large_file, large_bytes}}) {
        const std::string base = "base-" + std::to_string(bytes);
        auto up = c.upload_volume(pool, base, file);
        if (!up) {
            fmt::print("  upload failed: {}\n", up.error().detail);
            continue;
        }
        auto t0 = std::chrono::steady_clock::now();
        auto overlay = c.create_volume(pool, {"overlay-" + std::to_string(bytes), "qcow2", 1LL << 30, *up, "raw", ""});
        const double overlay_s = seconds_since(t0);
        t0 = std::chrono::steady_clock::now();
        auto copy = c.create_volume(
            pool, {"copy-" + std::to_string(bytes), "qcow2", std::max<std::int64_t>(bytes, 1LL << 30), "", "", base});
        const double copy_s = seconds_since(t0);
        fmt::print("  {:<18} {:>12.3f} {:>12.3f}{}\n", label, overlay_s, copy_s,
                   overlay && copy ? "" : "  (a creation failed)");
    }
    for (const auto& v : {"base-", "overlay-", "copy-"})
        for (std::int64_t b : {std::int64_t(16 << 20), large_bytes})
            (void)c.delete_volume(pool, v + std::to_string(b));
    (void)run_process({"virsh", "-c", "qemu:///system", "pool-destroy", pool}, std::chrono::seconds(30));
    (void)run_process({"virsh", "-c", "qemu:///system", "pool-undefine", pool}, std::chrono::seconds(30));
    std::error_code ec;
    fs::remove_all(path, ec);
    fs::remove(small_file, ec);
}

}  // namespace

int run_upload(const options& o) {
    const std::int64_t bytes = std::int64_t(o.size_mib) << 20;
    daemon_child d(o.kumo_binary, {}, {"--simulate", "1"});
    cli::api_client c(d.url(), "");
    auto login = c.send("POST", "/api/v1/auth/tokens", json{{"username", "admin"}, {"password", kBenchAdminPassword}});
    if (!login || login->status != 201) {
        fmt::print(stderr, "login failed\n");
        return 1;
    }
    const std::string token = login->body["token"];
    c.set_token(token);
    const std::string file = d.data_dir() + "/bench-image.raw";  // the disk the daemon stores images on
    make_file(file, bytes);

    const double dd_s = timed({"dd", "if=" + file, "of=" + file + ".copy", "bs=1M", "conv=fsync", "status=none"});
    std::error_code ec;
    fs::remove(file + ".copy", ec);
    const double dd_direct_s =
        timed({"dd", "if=" + file, "of=" + file + ".copy", "bs=1M", "oflag=direct", "conv=fsync", "status=none"});
    fs::remove(file + ".copy", ec);
    const double sha_s = timed({"sha256sum", file});

    auto made = c.send("POST", "/api/v1/images", json{{"name", "bench"}, {"disk_format", "raw"}});
    if (!made || made->status != 201) {
        fmt::print(stderr, "image create failed\n");
        return 1;
    }
    const std::string id = made->body["id"];
    std::atomic<bool> uploading{true};
    double rss_peak = 0;
    std::thread sampler([&] {
        while (uploading) {
            rss_peak = std::max(rss_peak, rss_mib(d.pid()));
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
    });
    const auto t0 = std::chrono::steady_clock::now();
    const int status = stream_upload(d.url(), token, id, file);
    const double upload_s = seconds_since(t0);
    uploading = false;
    sampler.join();
    auto shown = c.send("GET", "/api/v1/images/" + id);
    const bool active = status == 200 && shown && shown->body["status"] == "active" && shown->body["size"] == bytes;

    const double mib = static_cast<double>(bytes) / (1 << 20);
    const double slower_floor = std::max(dd_s, sha_s);
    fmt::print("image upload of {:.0f} MiB (same file, same disk, same run)\n", mib);
    fmt::print("  {:<34} {:>8.2f} s {:>8.0f} MiB/s\n", "dd to the same disk (fsync)", dd_s, mib / dd_s);
    fmt::print("  {:<34} {:>8.2f} s {:>8.0f} MiB/s  (for reference; Kumo writes like this)\n",
               "dd oflag=direct (fsync)", dd_direct_s, mib / dd_direct_s);
    fmt::print("  {:<34} {:>8.2f} s {:>8.0f} MiB/s\n", "sha256sum", sha_s, mib / sha_s);
    fmt::print("  {:<34} {:>8.2f} s {:>8.0f} MiB/s  {}\n", "Kumo API upload (sha256+md5+fsync)", upload_s,
               mib / upload_s, active ? "active" : "FAILED");
    fmt::print("  throughput vs the slower of dd and sha256sum: {:.2f}x (target >= 0.8x)\n", slower_floor / upload_s);
    fmt::print("  daemon RSS during the upload: peak {:.1f} MiB sampled, VmHWM {:.1f} MiB (target < 100 MB)\n",
               rss_peak, d.peak_rss_mib());
    root_disk_figures(file, bytes);
    fs::remove(file, ec);
    return active ? 0 : 1;
}

}  // namespace kumo::bench
