// `kumo completion bash`: the script is generated from the same table that prints --help, so a new
// verb or option completes without anyone editing the script.
#include "kumo/cli/commands.hpp"

#include <fmt/format.h>

namespace kumo::cli {
namespace {

std::string options_of(const verb_spec& v) {
    std::string out = "--help -o --output";
    for (const auto& o : v.options)
        out += " --" + o.name;
    if (v.waits)
        out += " --wait --timeout";
    return out;
}

}  // namespace

std::string bash_completion(const std::vector<noun_spec>& nouns) {
    std::string all_nouns = "help", verbs, options;
    for (const auto& n : nouns) {
        all_nouns += " " + n.name;
        std::string names;
        for (const auto& v : n.verbs) {
            if (v.name.empty()) {  // the noun is the command: its options follow it directly
                options += fmt::format("        \"{} \"*) words=\"{}\" ;;\n", n.name, options_of(v));
                continue;
            }
            names += (names.empty() ? "" : " ") + v.name;
            options += fmt::format("        \"{} {}\") words=\"{}\" ;;\n", n.name, v.name, options_of(v));
        }
        if (!names.empty())
            verbs += fmt::format("        {}) words=\"{}\" ;;\n", n.name, names);
    }
    return fmt::format(R"(# bash completion for kumo; load it with: source <(kumo completion bash)
_kumo() {{
    local cur="${{COMP_WORDS[COMP_CWORD]}}" noun="${{COMP_WORDS[1]}}" verb="${{COMP_WORDS[2]}}" words=""
    if [ "$COMP_CWORD" -eq 1 ]; then
        words="{} serve version"
    elif [ "$COMP_CWORD" -eq 2 ] && [[ "$cur" != -* ]]; then
        case "$noun" in
{}        esac
    fi
    if [ -z "$words" ]; then
        case "$noun $verb" in
{}        esac
    fi
    COMPREPLY=($(compgen -W "$words" -- "$cur"))
}}
complete -F _kumo kumo
)",
                       all_nouns, verbs, options);
}

}  // namespace kumo::cli
