#pragma once
// The three-node lab (examples/lab/lab.sh) driven from tests and benchmarks: brought up in a
// directory of its own and always taken down again, whatever happened in between.
#include <string>
#include <vector>

namespace kumo::test {

class lab {
public:
    // Runs `lab.sh up` with KUMO_LAB_DIR=dir; throws std::runtime_error when it fails.
    lab(std::string script, std::string dir);
    ~lab();  // lab.sh down
    lab(const lab&) = delete;
    lab& operator=(const lab&) = delete;

    // Runs `lab.sh args...`; returns its exit code (output goes to <dir>.log).
    int run(const std::string& args) const;
    std::string uri(int n) const;  // qemu+ssh://root@198.18.0.1N/system
    std::string address(int n) const;
    // SHA256 fingerprint of host N's SSH key, as ssh-keygen -l prints it.
    std::string fingerprint(int n) const;
    // Lets `public_key` log in to every host.
    void authorize(const std::string& public_key) const;
    // Whether no lab namespace, link, or process in a lab host's network namespace is left.
    bool nothing_left() const;
    const std::string& dir() const { return dir_; }

private:
    std::string script_, dir_;
    std::vector<std::string> host_netns_;  // "net:[inode]" of each host, recorded at up
};

}  // namespace kumo::test
