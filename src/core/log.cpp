#include "kumo/core/log.hpp"

#include "kumo/core/clock.hpp"

#include <atomic>
#include <cstdio>
#include <mutex>

namespace kumo::log {
namespace {

std::atomic<level> current{level::info};
std::mutex write_mutex;  // lines from the core thread and the pools must not interleave

const char* name(level l) {
    switch (l) {
        case level::debug: return "debug";
        case level::info: return "info";
        case level::warn: return "warn";
        case level::error: return "error";
    }
    return "info";
}

}  // namespace

void set_level(level l) {
    current = l;
}

bool parse_level(std::string_view s, level& out) {
    for (level l : {level::debug, level::info, level::warn, level::error}) {
        if (s == name(l)) {
            out = l;
            return true;
        }
    }
    return false;
}

bool enabled(level l) {
    return l >= current.load();
}

void write(level l, std::string_view component, std::string_view message) {
    const std::string line =
        fmt::format("{} {} {}: {}\n", to_rfc3339(std::chrono::system_clock::now()), name(l), component, message);
    std::lock_guard lock(write_mutex);
    std::fwrite(line.data(), 1, line.size(), stderr);
}

}  // namespace kumo::log
