#include "kumo/cli/output.hpp"

#include <fmt/format.h>
#include <algorithm>

namespace kumo::cli {
namespace {

std::string cell(const json& v) {
    if (v.is_null())
        return "-";
    if (v.is_string())
        return v.get<std::string>();
    return v.dump();
}

}  // namespace

void print_rows(const json& rows, const std::vector<column>& cols, bool as_json) {
    if (as_json) {
        fmt::print("{}\n", rows.dump(2));
        return;
    }
    std::vector<std::size_t> width;
    for (const auto& c : cols)
        width.push_back(c.title.size());
    for (const auto& r : rows)
        for (std::size_t i = 0; i < cols.size(); ++i)
            width[i] = std::max(width[i], cell(r.value(cols[i].field, json())).size());
    for (std::size_t i = 0; i < cols.size(); ++i)
        fmt::print("{:<{}}  ", cols[i].title, width[i]);
    fmt::print("\n");
    for (const auto& r : rows) {
        for (std::size_t i = 0; i < cols.size(); ++i)
            fmt::print("{:<{}}  ", cell(r.value(cols[i].field, json())), width[i]);
        fmt::print("\n");
    }
}

void print_object(const json& obj, bool as_json) {
    if (as_json || !obj.is_object()) {
        fmt::print("{}\n", obj.dump(2));
        return;
    }
    std::size_t w = 0;
    for (auto& [k, v] : obj.items())
        w = std::max(w, k.size());
    for (auto& [k, v] : obj.items())
        fmt::print("{:<{}}  {}\n", k, w, cell(v));
}

}  // namespace kumo::cli
