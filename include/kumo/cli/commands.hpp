#pragma once
#include <string>
#include <vector>

namespace kumo::cli {

// Runs a client command (`login`, `host ...`, `flavor ...`, `vm ...`, `op ...`); returns the exit code:
// 0 success, 1 the API (or the connection) reported an error, 2 usage error.
int run_command(const std::vector<std::string>& args);

}  // namespace kumo::cli
