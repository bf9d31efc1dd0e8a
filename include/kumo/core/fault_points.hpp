#pragma once
// Test-only fault injection ("fail points", as FreeBSD and etcd have them). Some error paths cannot be
// made to happen on demand with real parts: a task that throws, a config drive that cannot be written,
// a target that refuses the persistent definition after a migration's switch-over. Tests reach them by
// arming a named point.
//
// Disarmed (every check is false, nothing read) unless the process started with KUMO_TEST_FAULTS_FILE
// naming a file. Each check then reads that file, so a test arms and disarms points while the daemon
// runs: one line per armed point, "<point> <key>", where the key is what the call site names (a VM's
// id) or "*" for every key. The daemon logs a warning at start when the variable is set; the packages'
// units never set it.
#include <optional>
#include <string>
#include <string_view>

namespace kumo {

// Whether `point` is armed for `key`.
bool fault_armed(std::string_view point, std::string_view key);

// The file fault points are read from, when enabled.
const std::optional<std::string>& fault_points_file();

}  // namespace kumo
