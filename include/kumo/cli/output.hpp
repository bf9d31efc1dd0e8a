#pragma once
// Tables for people, JSON for scripts (-o json).
#include "kumo/core/json.hpp"

#include <string>
#include <vector>

namespace kumo::cli {

struct column {
    std::string title;
    std::string field;
};

// Prints `rows` (JSON objects) as a table with the given columns, or as JSON when `as_json`.
void print_rows(const json& rows, const std::vector<column>& cols, bool as_json);
// Prints one object as "field: value" lines, or as JSON.
void print_object(const json& obj, bool as_json);

}  // namespace kumo::cli
