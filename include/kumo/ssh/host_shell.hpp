#pragma once
// The few host commands libvirt cannot do (later: bridges, VXLAN, NAT) run through this one port:
// an argument vector (never a shell string), a time limit, captured stdout and stderr. Remote hosts
// are reached with the same SSH trust libvirt uses (Kumo's key, pinned host keys). Blocking.
#include "kumo/core/subprocess.hpp"
#include "kumo/ssh/ssh.hpp"

#include <memory>

namespace kumo {

class host_shell {
public:
    virtual ~host_shell() = default;
    // Errors: timeout (killed), internal (could not run). A non-zero exit is a result, not an error.
    virtual result<process_output> run(const std::vector<std::string>& argv, std::chrono::milliseconds timeout) = 0;
};

// For a host's public URI: qemu:///system and xen:///system run locally, SSH URIs over SSH.
// Errors: validation_failed for URIs without a shell (the test driver).
result<std::unique_ptr<host_shell>> make_host_shell(const std::string& uri, const ssh_trust& trust);

}  // namespace kumo
