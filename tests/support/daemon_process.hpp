#pragma once
// Runs the real `kumo serve` as a child process for integration tests, on port 0 with TLS, and gives
// an authenticated API client. Stopped by pid (SIGTERM, or SIGKILL for crash tests).
#include "kumo/cli/client.hpp"

#include <sys/types.h>
#include <string>
#include <vector>

namespace kumo::test {

class daemon_process {
public:
    // Starts `kumo serve --data-dir <dir> --listen 127.0.0.1:0 <extra>`; an existing dir is reused
    // (restart). Waits until it answers /api/v1/health.
    daemon_process(std::string data_dir, std::vector<std::string> extra_args,
                   std::vector<std::pair<std::string, std::string>> env = {});
    ~daemon_process();
    daemon_process(const daemon_process&) = delete;

    const std::string& url() const { return url_; }
    const std::string& fingerprint() const { return fingerprint_; }
    const std::string& data_dir() const { return dir_; }
    // A client logged in as admin (password kTestAdminPassword).
    cli::api_client admin() const;
    cli::api_client anonymous() const { return cli::api_client(url_, fingerprint_); }

    // SIGTERM and wait; returns the exit status (or -1 on timeout/signal).
    int stop();
    void kill_hard();  // SIGKILL, for crash tests
    pid_t pid() const { return pid_; }

private:
    std::string dir_, url_, fingerprint_;
    pid_t pid_ = -1;
};

inline constexpr const char* kTestAdminPassword = "test-admin-password";

// A fresh directory under $TMPDIR, removed by the caller (or left for post-mortem on failure).
std::string make_temp_dir(const std::string& prefix);

// One request that must get an answer (any status); fails the test when the connection fails.
cli::reply call(const cli::api_client& c, const std::string& method, const std::string& path,
                const json& body = nullptr);

// Follows an operation to its end and returns its final JSON (fails the test on timeout).
json wait_op(const cli::api_client& c, const std::string& op_id, int timeout_s = 120);

}  // namespace kumo::test
