#include "kvm.hpp"

#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <vector>

namespace kumo::test {
namespace {

std::vector<std::string> cmdline_of(const std::filesystem::path& proc_dir) {
    std::ifstream in(proc_dir / "cmdline", std::ios::binary);
    const std::string raw((std::istreambuf_iterator<char>(in)), {});
    std::vector<std::string> args;
    std::string arg;
    for (char ch : raw) {
        if (ch == '\0') {
            args.push_back(arg);
            arg.clear();
        } else {
            arg += ch;
        }
    }
    return args;
}

// The command line of the QEMU process running the guest with this UUID, if any.
std::optional<std::vector<std::string>> qemu_of(const std::string& uuid) {
    for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
        const auto args = cmdline_of(entry.path());
        if (args.empty() || args[0].find("qemu-system") == std::string::npos)
            continue;
        for (std::size_t i = 0; i + 1 < args.size(); ++i)
            if (args[i] == "-uuid" && args[i + 1] == uuid)
                return args;
    }
    return std::nullopt;
}

bool accelerated(const std::vector<std::string>& args) {
    for (std::size_t i = 0; i < args.size(); ++i) {
        if (args[i] == "-enable-kvm")
            return true;
        const bool accel = args[i] == "-accel" && i + 1 < args.size() && args[i + 1].rfind("kvm", 0) == 0;
        const bool machine =
            args[i] == "-machine" && i + 1 < args.size() && args[i + 1].find("accel=kvm") != std::string::npos;
        if (accel || machine)
            return true;
    }
    return false;
}

}  // namespace

std::string not_kvm_because(const std::string& uuid, const std::string& domain_xml) {
    if (!domain_xml.empty() && domain_xml.find("<domain type='kvm'") == std::string::npos &&
        domain_xml.find("<domain type=\"kvm\"") == std::string::npos)
        return "the domain is not of type 'kvm': " + domain_xml.substr(0, domain_xml.find('\n'));
    const auto args = qemu_of(uuid);
    if (!args)
        return "no QEMU process runs the guest " + uuid;
    if (!accelerated(*args)) {
        std::string line;
        for (const auto& a : *args)
            line += a + " ";
        return "its QEMU runs without KVM acceleration: " + line;
    }
    return {};
}

}  // namespace kumo::test
