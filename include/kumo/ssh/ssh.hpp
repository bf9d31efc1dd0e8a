#pragma once
// Remote hosts over SSH: the URI form Kumo accepts, pinned host keys, and the trust (Kumo's own key
// pair plus a known_hosts file it writes from the database) shared by libvirt and the host shell.
#include "kumo/core/error.hpp"
#include "kumo/core/subprocess.hpp"

#include <chrono>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace kumo {

struct ssh_target {
    std::string driver;  // "qemu" or "xen"
    std::string user = "root";
    std::string host;  // a DNS name or an IPv4 address
    int port = 22;
};

bool is_ssh_uri(std::string_view uri);
// A DNS name or a dotted IPv4 address, nothing else (it goes into URIs).
bool is_host_address(std::string_view h);
// Accepts exactly qemu+ssh://[user@]host[:port]/system and xen+ssh://[user@]host[:port]/system: no
// query, because libvirt's transport parameters (key, known_hosts, verification) are Kumo's to set.
// Errors: validation_failed naming `field`.
result<ssh_target> parse_ssh_uri(const std::string& uri, const std::string& field);

struct ssh_host_key {
    std::string type;    // ssh-ed25519, ecdsa-sha2-nistp256, ssh-rsa
    std::string base64;  // the key blob as ssh-keyscan prints it
};

// "SHA256:<base64 without padding>", as `ssh-keygen -l` prints it. Empty for a malformed key.
std::string fingerprint_of(const ssh_host_key& key);

// A user's public key line ("type base64 [comment]"): the type must be one OpenSSH uses and the blob
// must decode and name the same type. The comment is dropped. Errors: validation_failed on `field`.
result<ssh_host_key> parse_public_key(std::string_view line, const std::string& field);
// The best key from ssh-keyscan's output (ed25519, then ecdsa, then rsa). Errors: host_unreachable.
result<ssh_host_key> pick_scanned_key(const std::string& keyscan_output, const std::string& host);
// "host type key" for port 22, "[host]:port type key" otherwise.
std::string known_hosts_line(const ssh_target& t, const ssh_host_key& key);
// The remote command for `ssh ... -- <command>`: sshd hands it to a shell, so every argument is
// single-quoted (a quote inside becomes '\'').
std::string quoted_remote_command(const std::vector<std::string>& argv);
// The libvirt URI that opens `t` with libssh2, Kumo's key only, and strict checking against known_hosts.
std::string libvirt_ssh_uri(const ssh_target& t, const std::string& keyfile, const std::string& known_hosts);

struct pinned_host {
    ssh_target target;
    ssh_host_key key;
};

// Kumo's SSH identity and pins, kept in one directory (<data_dir>/ssh). Thread-safe; blocking calls
// (they run ssh programs) belong off the core thread.
class ssh_trust {
public:
    explicit ssh_trust(std::string dir);
    // Creates the ed25519 key pair on first use. Errors: internal.
    result<void> ensure_key();
    std::string public_key() const;  // the .pub line; empty before ensure_key()
    std::string key_path() const { return dir_ + "/id_ed25519"; }
    std::string known_hosts_path() const { return dir_ + "/known_hosts"; }
    // Asks the host for its key (ssh-keyscan). Errors: host_unreachable.
    result<ssh_host_key> scan(const ssh_target& t, std::chrono::seconds timeout) const;
    // Rewrites known_hosts with exactly these pins (the database is the source of truth).
    result<void> write_pins(const std::vector<pinned_host>& pins);
    std::string libvirt_uri(const ssh_target& t) const;
    // Runs argv on the host with key-only authentication and strict host key checking.
    // Errors: timeout, internal.
    result<process_output> run(const ssh_target& t, const std::vector<std::string>& argv,
                               std::chrono::milliseconds timeout) const;

private:
    std::string dir_;
    mutable std::mutex mu_;
};

}  // namespace kumo
