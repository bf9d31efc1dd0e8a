#pragma once
// The daemon under benchmark: `kumo serve --no-tls <extra>` (default extra: --simulate 3) on a
// loopback port, in a temporary data directory, stopped by pid.
#include <sys/types.h>
#include <map>
#include <string>
#include <vector>

namespace kumo::bench {

class daemon_child {
public:
    daemon_child(const std::string& binary, const std::map<std::string, std::string>& env,
                 const std::vector<std::string>& extra = {"--simulate", "3"});
    ~daemon_child();
    daemon_child(const daemon_child&) = delete;

    const std::string& url() const { return url_; }  // http://127.0.0.1:PORT
    pid_t pid() const { return pid_; }
    const std::string& data_dir() const { return dir_; }
    // VmHWM of the daemon: its peak resident set so far, in MiB.
    double peak_rss_mib() const;

private:
    std::string dir_, url_;
    pid_t pid_ = -1;
};

inline constexpr const char* kBenchAdminPassword = "bench-admin-password";

}  // namespace kumo::bench
