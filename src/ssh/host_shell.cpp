#include "kumo/ssh/host_shell.hpp"

namespace kumo {
namespace {

class local_shell final : public host_shell {
public:
    result<process_output> run(const std::vector<std::string>& argv, std::chrono::milliseconds timeout) override {
        return run_process(argv, timeout);
    }
};

class ssh_shell final : public host_shell {
public:
    ssh_shell(ssh_target t, const ssh_trust& trust) : target_(std::move(t)), trust_(trust) {}
    result<process_output> run(const std::vector<std::string>& argv, std::chrono::milliseconds timeout) override {
        return trust_.run(target_, argv, timeout);
    }

private:
    ssh_target target_;
    const ssh_trust& trust_;
};

}  // namespace

result<std::unique_ptr<host_shell>> make_host_shell(const std::string& uri, const ssh_trust& trust) {
    if (uri == "qemu:///system" || uri == "xen:///system")
        return std::unique_ptr<host_shell>(new local_shell());
    if (!is_ssh_uri(uri))
        return validation_error("uri", "this host has no shell (simulated host)");
    KUMO_TRY(auto t, parse_ssh_uri(uri, "uri"));
    return std::unique_ptr<host_shell>(new ssh_shell(std::move(t), trust));
}

}  // namespace kumo
