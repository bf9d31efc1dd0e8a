#pragma once
// Structured one-line logs on stderr: `time level component: message`.
// Secrets (passwords, tokens, VNC passwords) are never passed here.
#include <fmt/format.h>
#include <string_view>

namespace kumo::log {

enum class level { debug, info, warn, error };

void set_level(level l);
bool parse_level(std::string_view s, level& out);
bool enabled(level l);
void write(level l, std::string_view component, std::string_view message);

template <class... Args>
void info(std::string_view component, fmt::format_string<Args...> f, Args&&... args) {
    if (enabled(level::info))
        write(level::info, component, fmt::format(f, std::forward<Args>(args)...));
}
template <class... Args>
void warn(std::string_view component, fmt::format_string<Args...> f, Args&&... args) {
    if (enabled(level::warn))
        write(level::warn, component, fmt::format(f, std::forward<Args>(args)...));
}
template <class... Args>
void error(std::string_view component, fmt::format_string<Args...> f, Args&&... args) {
    if (enabled(level::error))
        write(level::error, component, fmt::format(f, std::forward<Args>(args)...));
}
template <class... Args>
void debug(std::string_view component, fmt::format_string<Args...> f, Args&&... args) {
    if (enabled(level::debug))
        write(level::debug, component, fmt::format(f, std::forward<Args>(args)...));
}

}  // namespace kumo::log
