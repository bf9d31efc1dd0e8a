#pragma once
// Starts a child process for tests and benchmarks: stdout and stderr appended to a log file, extra
// environment variables set, killed with the parent (PR_SET_PDEATHSIG) so nothing outlives a crash.
#include <sys/types.h>
#include <string>
#include <utility>
#include <vector>

namespace kumo::test {

// Returns the child's pid, or -1 when fork failed. argv[0] is the program's path.
pid_t spawn_logged(std::vector<std::string> argv, const std::vector<std::pair<std::string, std::string>>& env,
                   const std::string& log_path);

}  // namespace kumo::test
