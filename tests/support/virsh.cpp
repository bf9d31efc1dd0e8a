#include "virsh.hpp"

#include "kumo/core/ids.hpp"

#include <sys/wait.h>
#include <array>
#include <cstdio>
#include <stdexcept>

namespace kumo::test {
namespace {

struct ran {
    int status = -1;  // virsh's exit status; -1 when it did not exit normally
    std::string out;  // stdout and stderr
};

ran run(const std::string& cmd) {
    std::array<char, 4096> buf{};
    ran r;
    FILE* p = popen((cmd + " 2>&1").c_str(), "r");
    if (!p)
        throw std::runtime_error("popen failed");
    while (std::fgets(buf.data(), buf.size(), p))
        r.out += buf.data();
    const int w = pclose(p);
    if (w != -1 && WIFEXITED(w))
        r.status = WEXITSTATUS(w);
    return r;
}

std::string trim(std::string s) {
    while (!s.empty() && (s.back() == '\n' || s.back() == ' '))
        s.pop_back();
    return s;
}

// An oracle that cannot ask libvirt must not answer "no domain": that would pass a test for nothing.
[[noreturn]] void virsh_failed(const std::string& cmd, const ran& r) {
    throw std::runtime_error("virsh failed (" + std::to_string(r.status) + "): " + cmd + ": " + trim(r.out));
}

}  // namespace

std::string virsh_domstate(const std::string& vm_id) {
    if (!is_uuid(vm_id))
        throw std::invalid_argument("not a uuid");
    const std::string cmd = "virsh -c qemu:///system domstate kumo-" + vm_id;
    const ran r = run(cmd);
    if (r.status == 0)
        return trim(r.out);
    // libvirt 9 says "failed to get domain 'x'" for an unknown name, newer ones "Domain not found".
    if (r.status == 1 && (r.out.find("failed to get domain") != std::string::npos ||
                          r.out.find("Domain not found") != std::string::npos))
        return {};
    virsh_failed(cmd, r);
}

std::string virsh_dumpxml(const std::string& vm_id) {
    if (!is_uuid(vm_id))
        throw std::invalid_argument("not a uuid");
    const std::string cmd = "virsh -c qemu:///system dumpxml kumo-" + vm_id;
    const ran r = run(cmd);
    if (r.status != 0)
        virsh_failed(cmd, r);
    return r.out;
}

std::set<std::string> virsh_kumo_domains() {
    const std::string cmd = "virsh -c qemu:///system list --all --name";
    const ran r = run(cmd);
    if (r.status != 0)
        virsh_failed(cmd, r);
    std::set<std::string> out;
    std::size_t start = 0;
    while (start < r.out.size()) {
        auto nl = r.out.find('\n', start);
        if (nl == std::string::npos)
            nl = r.out.size();
        std::string name = r.out.substr(start, nl - start);
        if (name.rfind("kumo-", 0) == 0)
            out.insert(name);
        start = nl + 1;
    }
    return out;
}

}  // namespace kumo::test
