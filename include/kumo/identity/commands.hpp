#pragma once
// The identity module's CLI: `kumo domain|project|user|role|quota|audit ...` (`kumo login` is the CLI
// kit's).
#include "kumo/cli/commands.hpp"

namespace kumo {

cli::command_set identity_commands();

}  // namespace kumo
