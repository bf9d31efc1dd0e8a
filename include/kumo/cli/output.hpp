#pragma once
// Tables for people, JSON for scripts (-o json), bare values for shell loops (-o value).
#include "kumo/core/json.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace kumo::cli {

enum class output_mode { table, json, value };

struct column {
    std::string title;
    std::string field;
};

// Prints `rows` (JSON objects) with the given columns: a table, the JSON array, or one line per row
// with the cells separated by spaces.
void print_rows(const json& rows, const std::vector<column>& cols, output_mode mode);
// Prints one object as "field: value" lines, as JSON, or as its values one per line.
void print_object(const json& obj, output_mode mode);

// Terminal columns `text` (UTF-8) takes: wide East Asian characters count 2, combining marks 0.
std::size_t display_width(std::string_view text);

}  // namespace kumo::cli
