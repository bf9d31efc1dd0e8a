#pragma once
// The compute module's CLI: `kumo flavor ...`, `kumo vm ...`, and the host verbs that move VMs
// (`kumo host maintenance|activate|remove`).
#include "kumo/cli/commands.hpp"

namespace kumo {

cli::command_set compute_commands();

}  // namespace kumo
