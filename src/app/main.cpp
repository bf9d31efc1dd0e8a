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

constexpr const char* help_text = R"(usage: kumo COMMAND ...
  serve [--config FILE] [--data-dir DIR] [--listen ADDR:PORT] [--simulate N] [--no-tls]
  version
  admin-recover [--data-dir DIR] [--user NAME]   (root, daemon stopped: a new cloud admin password)
  login [--url URL] [--username NAME] [--password P | --password-stdin] [--project P] [--fingerprint FP]
  host add NAME URI | host list | host show HOST
  flavor create NAME --vcpus N --ram-mb N [--disk-gb N] | flavor list
  vm create NAME --flavor F [--host H] [--wait] | vm list [--all-projects] | vm show VM
  vm start|stop [--force]|reboot [--hard]|suspend|resume|delete VM [--wait]
  op show OP | op wait OP [--timeout S]
Add -o json for machine-readable output.
)";

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

int main(int argc, char** argv) {
    std::vector<std::string> args(argv + 1, argv + argc);
    if (args.empty() || args[0] == "help" || args[0] == "--help" || args[0] == "-h") {
        fmt::print("{}", help_text);
        return args.empty() ? 2 : 0;
    }
    if (args[0] == "version" || args[0] == "--version") {
        fmt::print("kumo {}\n", kumo::kumo_version);
        return 0;
    }
    if (args[0] == "serve")
        return serve({args.begin() + 1, args.end()});
    if (args[0] == "admin-recover")
        return admin_recover({args.begin() + 1, args.end()});
    return kumo::cli::run_command(args, kumo::cli_commands());
}
