// Builds one CLI11 app from the command tables (the kit's nouns and each module's) and runs the verb
// the words name. CLI11 gives `--help` at every level and the usage errors; the table is the one
// source for help and for `kumo completion bash`.
#include "kit.hpp"
#include "session_store.hpp"

#include <fmt/format.h>
#include <CLI/CLI.hpp>
#include <algorithm>

namespace kumo::cli {

option_spec opt(std::string name, std::string help) {
    return {std::move(name), std::move(help)};
}
option_spec opt_required(std::string name, std::string help) {
    return {std::move(name), std::move(help), option_kind::text, true};
}
option_spec opt_flag(std::string name, std::string help) {
    return {std::move(name), std::move(help), option_kind::flag};
}
option_spec opt_integer(std::string name, std::string help, std::int64_t min, std::int64_t max, bool required) {
    return {std::move(name), std::move(help), option_kind::integer, required, min, max};
}

namespace {

constexpr const char* footer_text = R"(
Also: kumo serve [--config FILE] [--data-dir DIR] [--listen ADDR:PORT] [--simulate N] [--no-tls]
      kumo version
      kumo admin-recover [--data-dir DIR] [--user NAME]  (root, daemon stopped: a cloud admin again)
Every command takes -o table|json|value and --help; `kumo NOUN --help` lists a noun's verbs.
Exit codes: 0 success, 1 the API or the connection failed, 2 usage error.)";

// The nouns of every table, verbs of one noun from several modules merged under it.
std::vector<noun_spec> merged(const std::vector<command_set>& modules) {
    std::vector<noun_spec> out = kit_nouns();
    for (const auto& set : modules)
        for (const auto& n : set.nouns) {
            auto it = std::find_if(out.begin(), out.end(), [&](const noun_spec& o) { return o.name == n.name; });
            if (it == out.end())
                out.push_back(n);
            else
                it->verbs.insert(it->verbs.end(), n.verbs.begin(), n.verbs.end());
        }
    out.push_back({"completion",
                   "shell completion generated from this command table",
                   {{"bash", "print the bash completion script: source <(kumo completion bash)", {}, {}, nullptr}}});
    return out;
}

// The kit's options on every verb, so `-o json` may follow the verb's own words.
std::vector<option_spec> with_common(const verb_spec& v) {
    std::vector<option_spec> all = v.options;
    if (v.waits) {
        all.push_back(opt_flag("wait", "wait for the operation to finish"));
        all.push_back(opt_integer("timeout", "seconds --wait waits (default 600)", 1, 86400));
    }
    return all;
}

void add_option(CLI::App& app, const option_spec& o) {
    if (o.kind == option_kind::flag) {
        app.add_flag("--" + o.name, o.help);
        return;
    }
    auto* added = app.add_option("--" + o.name, o.help);
    added->type_name(o.kind == option_kind::integer ? "N" : "VALUE");
    if (o.required)
        added->required();
    if (o.kind == option_kind::integer) {
        const auto lo = o.min, hi = o.max;
        added->check(CLI::Validator(
            [lo, hi](std::string& text) {
                auto n = parse_integer(text, lo, hi);
                return n ? std::string() : "takes " + n.error().detail;
            },
            "INTEGER"));
    }
}

// A verb with no name is the noun itself (`kumo login`, `kumo events`).
void add_verb(CLI::App& noun, const verb_spec& v) {
    auto* sub = v.name.empty() ? &noun : noun.add_subcommand(v.name, v.help);
    for (const auto& a : v.args) {
        const bool many = a.size() > 3 && a.compare(a.size() - 3, 3, "...") == 0;
        auto* p = sub->add_option(many ? a.substr(0, a.size() - 3) : a)->required();
        if (many)
            p->expected(CLI::detail::expected_max_vector_size);
    }
    for (const auto& o : with_common(v))
        add_option(*sub, o);
    sub->add_option("-o,--output", "table (default), json or value")->check(CLI::IsMember({"table", "json", "value"}));
}

void build(CLI::App& app, const std::vector<noun_spec>& nouns) {
    app.require_subcommand(1);
    app.footer(footer_text);
    app.add_option("-o,--output", "table (default), json or value")->check(CLI::IsMember({"table", "json", "value"}));
    for (const auto& n : nouns) {
        auto* sub = app.add_subcommand(n.name, n.help);
        if (n.verbs.empty() || !n.verbs[0].name.empty())
            sub->require_subcommand(1);
        for (const auto& v : n.verbs)
            add_verb(*sub, v);
    }
}

// The words the chosen verb got, in the shape commands read them.
parsed_args collect(CLI::App& noun, CLI::App& verb, const verb_spec& spec) {
    parsed_args a;
    a.positional = {noun.get_name(), spec.name};
    for (const auto& name : spec.args) {
        const bool many = name.size() > 3 && name.compare(name.size() - 3, 3, "...") == 0;
        for (const auto& w : verb.get_option(many ? name.substr(0, name.size() - 3) : name)->results())
            a.positional.push_back(w);
    }
    for (const auto& o : with_common(spec)) {
        const auto* got = verb.get_option("--" + o.name);
        if (got->count() > 0)
            a.options[o.name] = o.kind == option_kind::flag ? "true" : got->results().back();
    }
    return a;
}

const verb_spec& find_verb(const std::vector<noun_spec>& nouns, const std::string& noun, const std::string& verb) {
    const auto& n = *std::find_if(nouns.begin(), nouns.end(), [&](const noun_spec& s) { return s.name == noun; });
    return *std::find_if(n.verbs.begin(), n.verbs.end(), [&](const verb_spec& s) { return s.name == verb; });
}

output_mode output_of(CLI::App& app, CLI::App& verb) {
    std::string o = "table";
    for (CLI::App* at : {&app, &verb})
        if (at->get_option("--output")->count() > 0)
            o = at->get_option("--output")->results().back();
    return o == "json" ? output_mode::json : o == "value" ? output_mode::value : output_mode::table;
}

int run_verb(CLI::App& app, const std::vector<noun_spec>& nouns) {
    CLI::App& noun = *app.get_subcommands().at(0);
    CLI::App& verb = noun.get_subcommands().empty() ? noun : *noun.get_subcommands().at(0);
    const verb_spec& spec = find_verb(nouns, noun.get_name(), &verb == &noun ? "" : verb.get_name());
    parsed_args a = collect(noun, verb, spec);
    const output_mode out = output_of(app, verb);
    if (noun.get_name() == "login")
        return login_cmd(a, out);
    if (noun.get_name() == "completion") {
        fmt::print("{}", bash_completion(nouns));
        return 0;
    }
    cli_session s = load_session();
    if (s.token.empty())
        return api_fail("not logged in: run `kumo login` first");
    cmd_env e{a, api_client(s.url, s.fingerprint, s.token), out};
    return spec.run(e);
}

// `--url` anywhere but after `login` used to be ignored silently: the URL is the stored session's.
bool misplaced_url(const std::vector<std::string>& words) {
    if (!words.empty() && words[0] == "login")
        return false;
    return std::any_of(words.begin(), words.end(), [](const std::string& w) { return w.rfind("--url", 0) == 0; });
}

// A usage error: CLI11's reason, and the help of the noun when its verb is what is missing.
int parse_failure(CLI::App& app, const CLI::ParseError& err, const std::vector<std::string>& words) {
    const auto chosen = app.get_subcommands();
    if (!chosen.empty() && chosen[0]->get_subcommands().empty() && chosen[0]->get_require_subcommand_min() > 0) {
        const auto noun = std::find(words.begin(), words.end(), chosen[0]->get_name());
        const bool named = noun != words.end() && noun + 1 != words.end() && (*(noun + 1))[0] != '-';
        fmt::print(stderr, "kumo: {}\n{}",
                   named ? fmt::format("`kumo {}` has no verb '{}'", chosen[0]->get_name(), *(noun + 1))
                         : fmt::format("`kumo {}` needs a verb", chosen[0]->get_name()),
                   chosen[0]->help());
        return 2;
    }
    if (misplaced_url(words))  // the verb has no --url of its own (image create does)
        return usage("--url is only for `kumo login` (it stores the URL; KUMO_URL overrides it for one command)");
    fmt::print(stderr, "kumo: {}\nRun `kumo help` (or add --help) for the commands.\n", err.what());
    return 2;
}

}  // namespace

int run_command(const std::vector<std::string>& words_in, const std::vector<command_set>& modules) {
    std::vector<std::string> words = words_in;
    if (!words.empty() && words[0] == "help") {  // `kumo help vm create` is `kumo vm create --help`
        words.erase(words.begin());
        words.push_back("--help");
    }
    const auto nouns = merged(modules);
    CLI::App app("kumo: the Kumo private cloud's command-line client", "kumo");
    build(app, nouns);
    if (words.empty()) {
        fmt::print("{}", app.help());
        return 2;
    }
    std::vector<std::string> reversed(words.rbegin(), words.rend());  // CLI11 consumes from the back
    try {
        app.parse(reversed);
    } catch (const CLI::CallForHelp& help) {
        return app.exit(help);
    } catch (const CLI::ParseError& err) {
        return parse_failure(app, err, words);
    }
    return run_verb(app, nouns);
}

}  // namespace kumo::cli
