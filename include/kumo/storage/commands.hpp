#pragma once
// The storage module's CLI: `kumo volume ...` and `kumo volume-type list`.
#include "kumo/cli/commands.hpp"

namespace kumo {

cli::command_set storage_commands();

}  // namespace kumo
