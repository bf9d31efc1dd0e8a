#pragma once
// What the command line said to one verb: its positionals and options, after CLI11 parsed them.
#include "kumo/core/error.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kumo::cli {

struct parsed_args {
    // NOUN, VERB, then the verb's positionals in the order its table names them.
    std::vector<std::string> positional;
    std::map<std::string, std::string> options;  // long name without "--"; a given flag is "true"
    std::optional<std::string> get(const std::string& k) const {
        auto it = options.find(k);
        return it == options.end() ? std::nullopt : std::optional(it->second);
    }
    bool flag(const std::string& k) const { return options.count(k) > 0; }
    // An integer option the kit already checked against its range (see opt_integer); nullopt when absent.
    std::optional<std::int64_t> integer(const std::string& k) const;
};

// The one strict integer parser: all of `text` is a base-10 integer within [min, max]. The error's
// detail says what was expected ("an integer from 1 to 1024, not '2abc'"); callers name the option.
result<std::int64_t> parse_integer(std::string_view text, std::int64_t min, std::int64_t max);

}  // namespace kumo::cli
