#include "cli_runner.hpp"

#include "daemon_process.hpp"

#include <sys/wait.h>
#include <array>
#include <cstdio>
#include "kumo_catch.hpp"

namespace kumo::test {

run_result kumo_cli(const std::string& config_dir, const std::string& args, const std::string& env) {
    const std::string cmd = "KUMO_CONFIG_DIR=" + config_dir + " " + env + " " + KUMO_BINARY + " " + args + " 2>&1";
    FILE* p = popen(cmd.c_str(), "r");
    REQUIRE(p);
    std::string out;
    std::array<char, 4096> buf{};
    while (std::fgets(buf.data(), buf.size(), p))
        out += buf.data();
    int status = pclose(p);
    return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

void kumo_login_admin(const std::string& config_dir, const std::string& url, const std::string& fingerprint) {
    const std::string pin = fingerprint.empty() ? "" : " --fingerprint " + fingerprint;  // none: plain HTTP
    auto r = kumo_cli(config_dir, "login --url " + url + pin + " --password " + kTestAdminPassword);
    INFO(r.out);
    REQUIRE(r.code == 0);
}

}  // namespace kumo::test
