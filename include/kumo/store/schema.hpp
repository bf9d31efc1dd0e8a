#pragma once
// The schema: one ordered list of numbered, forward-only migrations (PRAGMA user_version). Version N
// runs once, in its own transaction, on a database at version N-1; a shipped step never changes.
// Migrations 1-8 are the shared history, written before the modules had folders of their own; later
// ones come from the modules (module::migrations(), each with its global number) and the daemon checks
// that the merged list numbers 1..N exactly once.
#include <span>
#include <stdexcept>
#include <vector>

namespace kumo::sql {

struct migration {
    int version;
    const char* sql;
};

// Migrations 1-8 (src/store/schema_history.cpp).
const std::vector<migration>& schema_history();

// The history followed by `added`, sorted by version. Throws std::logic_error when a version is
// missing or given twice (a bug, caught at start-up).
std::vector<migration> full_schema(std::vector<migration> added);

}  // namespace kumo::sql
