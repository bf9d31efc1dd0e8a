#pragma once
// Runs the `kumo` binary as the CLI tests' user would: its exit code and its output (stdout and stderr).
#include <string>

namespace kumo::test {

struct run_result {
    int code;
    std::string out;
};

// `KUMO_CONFIG_DIR=config_dir <env> kumo <args> 2>&1` through the shell; the arguments are the test's own.
run_result kumo_cli(const std::string& config_dir, const std::string& args, const std::string& env = {});

// Logs `config_dir` in as admin against the daemon at url/fingerprint; fails the test when it cannot.
void kumo_login_admin(const std::string& config_dir, const std::string& url, const std::string& fingerprint);

}  // namespace kumo::test
