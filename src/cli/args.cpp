#include "kumo/cli/args.hpp"

namespace kumo::cli {

parsed_args parse_args(const std::vector<std::string>& words, const std::set<std::string>& valued,
                       const std::set<std::string>& flags) {
    parsed_args out;
    for (std::size_t i = 0; i < words.size(); ++i) {
        const std::string& w = words[i];
        if (w.rfind("--", 0) != 0 && !(w == "-o")) {
            out.positional.push_back(w);
            continue;
        }
        std::string key = w == "-o" ? "output" : w.substr(2);
        std::optional<std::string> value;
        if (auto eq = key.find('='); eq != std::string::npos) {
            value = key.substr(eq + 1);
            key = key.substr(0, eq);
        }
        if (flags.count(key) && !value) {
            out.options[key] = "true";
        } else if (valued.count(key)) {
            if (!value) {
                if (i + 1 >= words.size()) {
                    out.error = "--" + key + " needs a value";
                    return out;
                }
                value = words[++i];
            }
            out.options[key] = *value;
        } else {
            out.error = "unknown option --" + key;
            return out;
        }
    }
    return out;
}

}  // namespace kumo::cli
