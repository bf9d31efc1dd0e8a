#pragma once
// Small text checks shared by validators.
#include <string_view>

namespace kumo {

// Valid UTF-8 with no control characters (C0, DEL, C1).
bool is_printable_utf8(std::string_view s) noexcept;

}  // namespace kumo
