#pragma once
// The compute commands' parts in other files (mobility_commands.cpp, vm_more_commands.cpp).
#include "kumo/cli/commands.hpp"

namespace kumo::cli {

// `host maintenance|activate HOST | host remove HOST [--force]`
noun_spec host_mobility_noun();
// `vm migrate VM [--host H] [--cold] [--max-downtime-ms N] [--wait]`
int vm_migrate_cmd(cmd_env& e, const std::string& vm_ref);
// Prints the scheduler's verdict for a VM create body (`vm create --dry-run`); 1 when no host would take it.
int explain_cmd(cmd_env& e, const json& create_body);
// VM snapshots and revert, clone, create-image, console-log, volume attach and detach.
std::vector<verb_spec> vm_more_verbs();

}  // namespace kumo::cli
