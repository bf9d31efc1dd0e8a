#pragma once
// Runs a program with an argument vector (never a shell string), captures its output and enforces a
// time limit. Blocking: call it off the core thread.
#include "kumo/core/error.hpp"

#include <chrono>
#include <string>
#include <vector>

namespace kumo {

struct process_output {
    int exit_code = -1;  // -1 when killed by a signal
    std::string out, err;
};

// argv[0] is looked up in PATH. stdin is /dev/null. Output beyond `max_output` bytes per stream is
// dropped. Errors: timeout (the process was killed), internal (could not start it).
result<process_output> run_process(const std::vector<std::string>& argv, std::chrono::milliseconds timeout,
                                   std::size_t max_output = 1 << 20);

// A command line for logs and error messages: arguments joined by spaces, nothing secret expected.
std::string describe_command(const std::vector<std::string>& argv);

}  // namespace kumo
