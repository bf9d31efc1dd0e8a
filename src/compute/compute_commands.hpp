#pragma once
// The compute commands' parts in other files (mobility_commands.cpp).
#include "kumo/cli/command_env.hpp"

namespace kumo::cli {

// `host maintenance|activate HOST | host remove HOST [--force]`; -1 for other verbs.
int host_mobility_cmd(cmd_env& e, const std::string& verb);
// `vm migrate VM [--host H] [--cold] [--max-downtime-ms N] [--wait]`
int vm_migrate_cmd(cmd_env& e, const std::string& vm_ref);
// Prints the scheduler's verdict for a VM create body (`vm create --dry-run`); 1 when no host would take it.
int explain_cmd(cmd_env& e, const json& create_body);

}  // namespace kumo::cli
