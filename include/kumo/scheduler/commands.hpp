#pragma once
// The scheduler module's CLI: `kumo server-group ...` and `kumo aggregate ...`.
#include "kumo/cli/commands.hpp"

namespace kumo {

cli::command_set scheduler_commands();

}  // namespace kumo
