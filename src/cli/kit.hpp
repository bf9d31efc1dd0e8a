#pragma once
// The kit's private parts: its own nouns and the pieces app.cpp puts together.
#include "kumo/cli/commands.hpp"

namespace kumo::cli {

// Follows an operation to its end; the exit code.
int wait_operation(cmd_env& e, const std::string& op_id, std::int64_t timeout_s);

// login, logout, op, events: the commands the kit itself owns. `completion` is added by app.cpp,
// which has the whole table.
std::vector<noun_spec> kit_nouns();
// `kumo login` needs no stored session; it runs before one is loaded.
int login_cmd(const parsed_args& a, output_mode out);

}  // namespace kumo::cli
