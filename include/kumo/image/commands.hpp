#pragma once
// The image module's CLI: `kumo image create|list|show|download|share|unshare|members|delete`.
#include "kumo/cli/commands.hpp"

namespace kumo {

cli::command_set image_commands();

}  // namespace kumo
