#include "lab.hpp"

#include "kumo/core/subprocess.hpp"

#include <fmt/format.h>
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace kumo::test {
namespace {

process_output must_run(const std::vector<std::string>& argv) {
    auto r = run_process(argv, std::chrono::minutes(2));
    if (!r)
        throw std::runtime_error(describe_command(argv) + ": " + r.error().detail);
    return *r;
}

}  // namespace

lab::lab(std::string script, std::string dir) : script_(std::move(script)), dir_(std::move(dir)) {
    if (run("up") != 0) {
        run("down");
        throw std::runtime_error("lab.sh up failed; see " + dir_ + ".log");
    }
    // The hosts' network namespaces, to check that down ends everything. Without all three the check
    // would pass for nothing, so a missing one fails the lab.
    for (int n = 1; n <= 3; ++n) {
        const std::string path = fmt::format("{}/h{}/anchor.pid", dir_, n);
        std::ifstream pid_file(path);
        std::string pid;
        std::error_code ec;
        std::filesystem::path net;
        if (pid_file >> pid)
            net = std::filesystem::read_symlink("/proc/" + pid + "/ns/net", ec);
        if (pid.empty() || ec || net.empty()) {
            run("down");
            throw std::runtime_error("lab host h" + std::to_string(n) + ": no network namespace from " + path +
                                     (ec ? ": " + ec.message() : ""));
        }
        host_netns_.push_back(net.string());
    }
}

lab::~lab() {
    run("down");
}

int lab::run(const std::string& args) const {
    // Arguments are fixed words from the tests (up, stop h2 libvirtd, ...), split on spaces.
    std::vector<std::string> argv = {"env", "KUMO_LAB_DIR=" + dir_, "bash", script_};
    std::istringstream words(args);
    for (std::string w; words >> w;)
        argv.push_back(w);
    auto r = must_run(argv);
    std::ofstream(dir_ + ".log", std::ios::app) << "$ lab.sh " << args << "\n" << r.out << r.err;
    return r.exit_code;
}

std::string lab::address(int n) const {
    return fmt::format("198.18.0.1{}", n);
}

std::string lab::uri(int n) const {
    return "qemu+ssh://root@" + address(n) + "/system";
}

std::string lab::fingerprint(int n) const {
    auto r =
        must_run({"ssh-keygen", "-l", "-E", "sha256", "-f", fmt::format("{}/h{}/ssh_host_ed25519_key.pub", dir_, n)});
    std::istringstream fields(r.out);
    std::string bits, fp;
    fields >> bits >> fp;
    return fp;
}

void lab::authorize(const std::string& public_key) const {
    std::ofstream(dir_ + "/authorized_keys", std::ios::app) << public_key << "\n";
}

bool lab::nothing_left() const {
    auto ns = must_run({"ip", "netns", "list"});
    auto links = must_run({"ip", "-o", "link", "show"});
    if (ns.out.find("kumolab-") != std::string::npos || links.out.find("kumolab-") != std::string::npos)
        return false;
    if (host_netns_.size() != 3)
        return false;  // nothing to compare with: never "clean" by default
    // No process left in a host's network namespace (the guests' QEMUs would keep it alive unnamed).
    for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
        std::error_code ec;
        const auto net = std::filesystem::read_symlink(entry.path() / "ns" / "net", ec);
        if (!ec && std::find(host_netns_.begin(), host_netns_.end(), net.string()) != host_netns_.end())
            return false;
    }
    return true;
}

}  // namespace kumo::test
