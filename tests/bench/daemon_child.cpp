#include "daemon_child.hpp"

#include "spawn.hpp"

#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <thread>
#include <vector>

namespace kumo::bench {

daemon_child::daemon_child(const std::string& binary, const std::map<std::string, std::string>& env,
                           const std::vector<std::string>& extra) {
    const char* base = std::getenv("TMPDIR");
    std::string tmpl = std::string(base ? base : "/tmp") + "/kumo-bench-XXXXXX";
    if (!mkdtemp(tmpl.data()))
        throw std::runtime_error("mkdtemp failed");
    dir_ = tmpl;
    std::vector<std::string> args{binary, "serve", "--data-dir", dir_, "--listen", "127.0.0.1:0", "--no-tls"};
    args.insert(args.end(), extra.begin(), extra.end());
    std::vector<std::pair<std::string, std::string>> vars{{"KUMO_ADMIN_PASSWORD", kBenchAdminPassword}};
    vars.insert(vars.end(), env.begin(), env.end());
    pid_ = test::spawn_logged(args, vars, dir_ + "/daemon.log");
    if (pid_ < 0)
        throw std::runtime_error("fork failed");
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (std::chrono::steady_clock::now() < deadline) {
        std::ifstream in(dir_ + "/kumo.url");
        std::string url;
        if (in >> url && !url.empty()) {
            url_ = url.substr(0, url.size() - 1);
            return;
        }
        int status = 0;
        if (waitpid(pid_, &status, WNOHANG) == pid_) {
            pid_ = -1;
            throw std::runtime_error("kumo serve exited during start-up; see " + dir_ + "/daemon.log");
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    throw std::runtime_error("kumo serve did not start within 60 s");
}

daemon_child::~daemon_child() {
    if (pid_ > 0) {
        ::kill(pid_, SIGTERM);
        int status = 0;
        for (int i = 0; i < 300 && waitpid(pid_, &status, WNOHANG) != pid_; ++i)
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
        if (waitpid(pid_, &status, WNOHANG) == 0) {
            ::kill(pid_, SIGKILL);
            waitpid(pid_, &status, 0);
        }
    }
    if (std::getenv("KUMO_BENCH_KEEP")) {  // for a look at daemon.log afterwards
        std::fprintf(stderr, "kept %s\n", dir_.c_str());
        return;
    }
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
}

double daemon_child::peak_rss_mib() const {
    std::ifstream in("/proc/" + std::to_string(pid_) + "/status");
    std::string line;
    while (std::getline(in, line))
        if (line.rfind("VmHWM:", 0) == 0)
            return std::stod(line.substr(6)) / 1024.0;  // kB
    return -1;
}

}  // namespace kumo::bench
