// The accept loop when the daemon runs out of file descriptors: it must say so, keep retrying at a
// bounded pace (not spin, not die), and serve again once descriptors are free.
#include "daemon_process.hpp"
#include "kumo/core/subprocess.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>
#include "kumo_catch.hpp"

using namespace kumo;

namespace {

int open_fds(pid_t pid) {
    int n = 0;
    for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator("/proc/" + std::to_string(pid) + "/fd"))
        ++n;
    return n;
}

void set_fd_limit(pid_t pid, const std::string& soft) {
    auto r = run_process({"prlimit", "--pid", std::to_string(pid), "--nofile=" + soft + ":"}, std::chrono::seconds(10));
    REQUIRE(r);
    REQUIRE(r->exit_code == 0);
}

int count_lines_with(const std::string& path, const std::string& needle) {
    std::ifstream in(path);
    int n = 0;
    for (std::string line; std::getline(in, line);)
        n += line.find(needle) != std::string::npos;
    return n;
}

int connect_to(std::uint16_t port) {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    REQUIRE(fd >= 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);  // the kernel's backlog accepts
    return fd;
}

}  // namespace

TEST_CASE("the accept loop logs an accept error, pauses and carries on", "[api]") {
    test::daemon_process d(test::make_temp_dir("kumo-emfile"), {"--simulate", "1"});
    const std::string log = d.data_dir() + "/daemon.log";
    const auto port = static_cast<std::uint16_t>(std::stoi(d.url().substr(d.url().rfind(':') + 1)));
    CHECK(test::call(d.anonymous(), "GET", "/api/v1/health").status == 200);

    // Room for a few more descriptors only: the connections past them wait in the backlog, and each
    // accept fails with EMFILE until descriptors are free again.
    set_fd_limit(d.pid(), std::to_string(open_fds(d.pid()) + 4));
    const auto limited = std::chrono::steady_clock::now();
    std::vector<int> clients;
    for (int i = 0; i < 16; ++i)
        clients.push_back(connect_to(port));
    std::this_thread::sleep_for(std::chrono::seconds(2));
    const int failures = count_lines_with(log, "accept failed");
    const auto elapsed = std::chrono::steady_clock::now() - limited;
    for (int fd : clients)
        ::close(fd);
    set_fd_limit(d.pid(), "4096");

    INFO("accept failures logged: " << failures);
    CHECK(failures >= 1);  // nobody is left guessing
    // At most one per 100 ms pause (plus the first): an accept loop that spins would log thousands.
    CHECK(failures <= std::chrono::duration_cast<std::chrono::milliseconds>(elapsed).count() / 100 + 2);
    // Still serving: the loop did not die.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    int status = 0;
    while (status != 200 && std::chrono::steady_clock::now() < deadline) {
        auto r = d.anonymous().send("GET", "/api/v1/health");
        status = r ? r->status : 0;
        if (status != 200)
            std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    CHECK(status == 200);
}
