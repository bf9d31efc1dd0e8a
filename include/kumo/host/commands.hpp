#pragma once
// The host module's CLI: `kumo host add|list|show|enable|disable|ssh-key|cpu-baseline|trust-key`.
#include "kumo/cli/commands.hpp"

namespace kumo {

cli::command_set host_commands();

}  // namespace kumo
