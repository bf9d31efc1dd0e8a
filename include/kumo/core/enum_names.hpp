#pragma once
// String forms of enums: one table per enum, so printing and parsing cannot disagree.
#include <array>
#include <optional>
#include <string_view>
#include <utility>

namespace kumo {

template <class E, std::size_t N>
const char* name_in(const std::array<std::pair<E, const char*>, N>& table, E v) {
    for (const auto& [e, n] : table)
        if (e == v)
            return n;
    return "unknown";
}

template <class E, std::size_t N>
std::optional<E> parse_in(const std::array<std::pair<E, const char*>, N>& table, std::string_view s) {
    for (const auto& [e, n] : table)
        if (s == n)
            return e;
    return std::nullopt;
}

}  // namespace kumo
