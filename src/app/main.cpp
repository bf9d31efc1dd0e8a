// kumo: the daemon (`kumo serve`) and its CLI client, in one binary.
#include "composition.hpp"
#include "daemon.hpp"
#include "kumo/cli/commands.hpp"
#include "kumo/core/version.hpp"

#include <fmt/format.h>
#include <fstream>
#include <optional>
#include <sstream>

namespace {

// The value after option `args[i]` (advancing i); nullopt, after saying so, when there is none.
std::optional<std::string> option_value(const std::vector<std::string>& args, std::size_t& i) {
    if (i + 1 >= args.size()) {
        fmt::print(stderr, "kumo serve: {} needs a value\n", args[i]);
        return std::nullopt;
    }
    return args[++i];
}

// Reads `kumo serve`'s flags into the configuration layers; false (after saying why) on a bad flag.
bool read_serve_flags(const std::vector<std::string>& args, kumo::config_layers& layers) {
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& a = args[i];
        if (a == "--no-tls") {
            layers.flags["tls"] = "false";
            continue;
        }
        if (a != "--config" && a != "--data-dir" && a != "--listen" && a != "--simulate") {
            fmt::print(stderr, "kumo serve: unknown option {}\n", a);
            return false;
        }
        auto v = option_value(args, i);
        if (!v)
            return false;
        if (a != "--config") {
            std::string key = a.substr(2);
            for (char& c : key)
                if (c == '-')
                    c = '_';
            layers.flags[key] = *v;
            continue;
        }
        std::ifstream in(*v);
        if (!in) {
            fmt::print(stderr, "kumo serve: cannot read config file {}\n", *v);
            return false;
        }
        std::stringstream ss;
        ss << in.rdbuf();
        layers.file_text = ss.str();
        layers.file_name = *v;
    }
    return true;
}

int serve(const std::vector<std::string>& args) {
    kumo::config_layers layers;
    layers.env = kumo::config_env_from_process();
    if (!read_serve_flags(args, layers))
        return 2;
    auto cfg = kumo::build_config(layers);
    if (!cfg) {
        fmt::print(stderr, "kumo serve: invalid configuration: {}\n", cfg.error().detail);
        return 2;
    }
    return kumo::run_daemon(*cfg);
}

// `kumo admin-recover [--data-dir DIR] [--user NAME]`.
int admin_recover(const std::vector<std::string>& args) {
    std::string data_dir = "/var/lib/kumo", user = "admin";
    for (std::size_t i = 0; i < args.size(); ++i) {
        if (args[i] != "--data-dir" && args[i] != "--user") {
            fmt::print(stderr, "kumo admin-recover: unknown option {}\n", args[i]);
            return 2;
        }
        if (i + 1 >= args.size()) {
            fmt::print(stderr, "kumo admin-recover: {} needs a value\n", args[i]);
            return 2;
        }
        (args[i] == "--data-dir" ? data_dir : user) = args[i + 1];
        ++i;
    }
    return kumo::run_admin_recover(data_dir, user);
}

}  // namespace

// serve, version and admin-recover are the daemon's side and stay here; everything
// else, help included, is the CLI's table (kumo::cli::run_command prints the generated help).
int main(int argc, char** argv) {
    std::vector<std::string> args(argv + 1, argv + argc);
    if (!args.empty() && (args[0] == "version" || args[0] == "--version")) {
        fmt::print("kumo {}\n", kumo::kumo_version);
        return 0;
    }
    if (!args.empty() && args[0] == "serve")
        return serve({args.begin() + 1, args.end()});
    if (!args.empty() && args[0] == "admin-recover")
        return admin_recover({args.begin() + 1, args.end()});
    return kumo::cli::run_command(args, kumo::cli_commands());
}
