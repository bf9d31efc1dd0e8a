#include "daemon_process.hpp"

#include "kumo/core/certificate.hpp"
#include "spawn.hpp"

#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <thread>
#include "kumo_catch.hpp"

namespace kumo::test {

std::string make_temp_dir(const std::string& prefix) {
    const char* base = std::getenv("TMPDIR");
    std::string tmpl = std::string(base ? base : "/tmp") + "/" + prefix + "-XXXXXX";
    char* made = mkdtemp(tmpl.data());
    REQUIRE(made != nullptr);
    return made;
}

daemon_process::daemon_process(std::string data_dir, std::vector<std::string> extra,
                               std::vector<std::pair<std::string, std::string>> env)
    : dir_(std::move(data_dir)) {
    std::filesystem::create_directories(dir_);  // the log file lives there from the first line on
    std::filesystem::remove(dir_ + "/kumo.url");
    std::vector<std::string> args{KUMO_BINARY, "serve", "--data-dir", dir_, "--listen", "127.0.0.1:0"};
    args.insert(args.end(), extra.begin(), extra.end());
    std::vector<std::pair<std::string, std::string>> vars{{"KUMO_ADMIN_PASSWORD", kTestAdminPassword}};
    if (!std::getenv("KUMO_RECONCILE_INTERVAL_S"))
        vars.emplace_back("KUMO_RECONCILE_INTERVAL_S", "2");
    vars.insert(vars.end(), env.begin(), env.end());
    pid_ = spawn_logged(args, vars, dir_ + "/daemon.log");
    REQUIRE(pid_ >= 0);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (std::chrono::steady_clock::now() < deadline) {
        std::ifstream in(dir_ + "/kumo.url");
        std::string url;
        if (in >> url && !url.empty()) {
            url_ = url.substr(0, url.size() - 1);  // no trailing slash
            auto fp = certificate_fingerprint(dir_ + "/tls-cert.pem");
            if (url_.rfind("https", 0) != 0 || fp) {
                fingerprint_ = fp ? *fp : "";
                auto h = anonymous().send("GET", "/api/v1/health");
                if (h && h->status == 200)
                    return;
            }
        }
        int status = 0;
        if (waitpid(pid_, &status, WNOHANG) == pid_) {
            pid_ = -1;
            FAIL("kumo serve exited during start-up; see " << dir_ << "/daemon.log");
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    FAIL("kumo serve did not come up within 60 s; see " << dir_ << "/daemon.log");
}

daemon_process::~daemon_process() {
    if (pid_ > 0)
        kill_hard();
}

cli::api_client daemon_process::admin() const {
    cli::api_client c(url_, fingerprint_);
    auto r = c.send("POST", "/api/v1/auth/tokens", json{{"username", "admin"}, {"password", kTestAdminPassword}});
    REQUIRE(r);
    REQUIRE(r->status == 201);
    c.set_token(r->body["token"]);
    return c;
}

int daemon_process::stop() {
    if (pid_ <= 0)
        return -1;
    ::kill(pid_, SIGTERM);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    int status = 0;
    while (std::chrono::steady_clock::now() < deadline) {
        if (waitpid(pid_, &status, WNOHANG) == pid_) {
            pid_ = -1;
            return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    kill_hard();
    return -1;
}

void daemon_process::kill_hard() {
    if (pid_ <= 0)
        return;
    ::kill(pid_, SIGKILL);
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = -1;
}

cli::reply call(const cli::api_client& c, const std::string& method, const std::string& path, const json& body) {
    auto r = body.is_null() ? c.send(method, path) : c.send(method, path, body);
    REQUIRE(r);
    return *r;
}

json wait_op(const cli::api_client& c, const std::string& op_id, int timeout_s) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_s);
    while (std::chrono::steady_clock::now() < deadline) {
        auto r = c.send("GET", "/api/v1/operations/" + op_id + "?wait=10");
        REQUIRE(r);
        REQUIRE(r->status == 200);
        const std::string s = r->body["status"];
        if (s == "succeeded" || s == "failed" || s == "cancelled")
            return r->body;
    }
    FAIL("operation " << op_id << " did not end within " << timeout_s << " s");
    return {};
}

}  // namespace kumo::test
