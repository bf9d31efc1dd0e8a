#pragma once
// The CLI's command table: the kit's own commands (login, logout, op, events, completion) and the
// nouns each module declares in its src/<module>/<module>_commands.cpp. The kit builds one CLI11 app
// from the tables, so `--help` at every level and `kumo completion bash` come from the same rows.
// Blocking; runs in the `kumo` process, never in the daemon.
#include "kumo/cli/command_env.hpp"

#include <cstdint>
#include <functional>
#include <limits>
#include <string>
#include <vector>

namespace kumo::cli {

enum class option_kind { text, flag, integer };

struct option_spec {
    std::string name;  // long name without "--"
    std::string help;
    option_kind kind = option_kind::text;
    bool required = false;
    std::int64_t min = std::numeric_limits<std::int64_t>::min();  // integer options only
    std::int64_t max = std::numeric_limits<std::int64_t>::max();
};

option_spec opt(std::string name, std::string help);
option_spec opt_required(std::string name, std::string help);
option_spec opt_flag(std::string name, std::string help);
option_spec opt_integer(std::string name, std::string help, std::int64_t min, std::int64_t max, bool required = false);

struct verb_spec {
    std::string name;
    std::string help;
    // Positionals, all required, in order; a last one ending in "..." takes one or more words.
    std::vector<std::string> args;
    std::vector<option_spec> options;
    std::function<int(cmd_env&)> run;
    bool waits = false;  // answers 202: the kit adds --wait and --timeout
};

struct noun_spec {
    std::string name;
    std::string help;
    std::vector<verb_spec> verbs;
};

// What a module adds to the CLI. Two modules may add verbs to one noun (compute adds `host maintenance`).
struct command_set {
    std::vector<noun_spec> nouns;
};

// Runs `kumo ...` (everything but serve, version and admin-recover, which main.cpp handles, and
// including help); returns the exit code: 0 success, 1 the API (or the connection) reported an error,
// 2 usage error.
int run_command(const std::vector<std::string>& args, const std::vector<command_set>& modules);

// The bash completion script for the table (`kumo completion bash`).
std::string bash_completion(const std::vector<noun_spec>& nouns);

}  // namespace kumo::cli
