#pragma once
#include "kumo/core/config.hpp"

namespace kumo {

// Runs the daemon until SIGTERM/SIGINT; returns the process exit code.
int run_daemon(const config& cfg);

// Writes the libvirt test-driver node file for simulated host `index` (1-based) and returns its path.
result<std::string> write_simulated_host(const std::string& dir, int index);

}  // namespace kumo
