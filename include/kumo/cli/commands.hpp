#pragma once
// The CLI's command table: the kit's own commands (login, op) and the nouns each module adds
// (kumo/<module>/commands.hpp). Blocking; runs in the `kumo` process, never in the daemon.
#include "kumo/cli/command_env.hpp"

#include <functional>
#include <string>
#include <vector>

namespace kumo::cli {

// Runs `kumo NOUN VERB ...` for one module: the exit code, or -1 when the verb (or its arguments) are not
// this module's, so the next module with the noun is asked.
using noun_handler = std::function<int(cmd_env&, const std::string& verb)>;

struct noun_commands {
    std::string noun;
    noun_handler run;
    std::string usage;  // printed, joined with the other modules' for this noun, when no module takes a verb
};

// What a module adds to the CLI: its nouns and the options they take.
struct command_set {
    std::vector<noun_commands> nouns;
    std::vector<std::string> valued;  // --name VALUE
    std::vector<std::string> flags;   // --name
};

// Runs a client command; returns the exit code: 0 success, 1 the API (or the connection) reported an
// error, 2 usage error.
int run_command(const std::vector<std::string>& args, const std::vector<command_set>& modules);

}  // namespace kumo::cli
