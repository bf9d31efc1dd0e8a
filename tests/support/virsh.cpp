#include "virsh.hpp"

#include "kumo/core/ids.hpp"

#include <array>
#include <cstdio>
#include <stdexcept>

namespace kumo::test {
namespace {

std::string run(const std::string& cmd) {
    std::array<char, 4096> buf{};
    std::string out;
    FILE* p = popen(cmd.c_str(), "r");
    if (!p)
        throw std::runtime_error("popen failed");
    while (std::fgets(buf.data(), buf.size(), p))
        out += buf.data();
    pclose(p);
    return out;
}

std::string trim(std::string s) {
    while (!s.empty() && (s.back() == '\n' || s.back() == ' '))
        s.pop_back();
    return s;
}

}  // namespace

std::string virsh_domstate(const std::string& vm_id) {
    if (!is_uuid(vm_id))
        throw std::invalid_argument("not a uuid");
    return trim(run("virsh -c qemu:///system domstate kumo-" + vm_id + " 2>/dev/null"));
}

std::set<std::string> virsh_kumo_domains() {
    std::set<std::string> out;
    const std::string all = run("virsh -c qemu:///system list --all --name 2>/dev/null");
    std::size_t start = 0;
    while (start < all.size()) {
        auto nl = all.find('\n', start);
        if (nl == std::string::npos)
            nl = all.size();
        std::string name = all.substr(start, nl - start);
        if (name.rfind("kumo-", 0) == 0)
            out.insert(name);
        start = nl + 1;
    }
    return out;
}

}  // namespace kumo::test
