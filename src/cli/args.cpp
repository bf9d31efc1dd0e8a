#include "kumo/cli/args.hpp"

#include <fmt/format.h>
#include <charconv>
#include <limits>

namespace kumo::cli {

result<std::int64_t> parse_integer(std::string_view text, std::int64_t min, std::int64_t max) {
    std::int64_t v = 0;
    const char* end = text.data() + text.size();
    auto [ptr, ec] = std::from_chars(text.data(), end, v);
    // from_chars refuses "+5" and " 5" and stops at "5x": all three are mistakes, not numbers.
    if (text.empty() || ec != std::errc() || ptr != end || v < min || v > max) {
        if (min == std::numeric_limits<std::int64_t>::min())
            return make_error(errc::bad_request, fmt::format("an integer, not '{}'", text));
        return make_error(errc::bad_request, fmt::format("an integer from {} to {}, not '{}'", min, max, text));
    }
    return v;
}

std::optional<std::int64_t> parsed_args::integer(const std::string& k) const {
    auto v = get(k);
    if (!v)
        return std::nullopt;
    auto n = parse_integer(*v, std::numeric_limits<std::int64_t>::min(), std::numeric_limits<std::int64_t>::max());
    return n ? std::optional(*n) : std::nullopt;
}

}  // namespace kumo::cli
