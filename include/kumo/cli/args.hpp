#pragma once
// Command-line words split into positionals and --options (`--key value`, `--key=value`, or a bare flag).
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace kumo::cli {

struct parsed_args {
    std::vector<std::string> positional;
    std::map<std::string, std::string> options;
    std::string error;  // set when an option is unknown or lacks its value
    std::optional<std::string> get(const std::string& k) const {
        auto it = options.find(k);
        return it == options.end() ? std::nullopt : std::optional(it->second);
    }
    bool flag(const std::string& k) const { return options.count(k) > 0; }
};

// `valued` options take a value; `flags` do not. Anything else starting with -- is an error.
parsed_args parse_args(const std::vector<std::string>& words, const std::set<std::string>& valued,
                       const std::set<std::string>& flags);

}  // namespace kumo::cli
