#include "kumo/core/crypto.hpp"
#include "kumo/ssh/ssh.hpp"

#include <fmt/format.h>
#include <sys/stat.h>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace kumo {

ssh_trust::ssh_trust(std::string dir) : dir_(std::move(dir)) {}

result<void> ssh_trust::ensure_key() {
    std::lock_guard lock(mu_);
    std::error_code ec;
    std::filesystem::create_directories(dir_, ec);
    if (ec)
        return make_error(errc::internal, "cannot create " + dir_ + ": " + ec.message());
    ::chmod(dir_.c_str(), 0700);
    if (std::filesystem::exists(key_path()) && std::filesystem::exists(key_path() + ".pub"))
        return {};
    std::filesystem::remove(key_path(), ec);
    std::filesystem::remove(key_path() + ".pub", ec);
    KUMO_TRY(auto made, run_process({"ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "kumo", "-f", key_path()},
                                    std::chrono::seconds(30)));
    if (made.exit_code != 0)
        return make_error(errc::internal, "ssh-keygen failed: " + made.err);
    return {};
}

std::string ssh_trust::public_key() const {
    std::ifstream in(key_path() + ".pub");
    std::string line;
    std::getline(in, line);
    return line;
}

result<ssh_host_key> ssh_trust::scan(const ssh_target& t, std::chrono::seconds timeout) const {
    auto scanned = run_process({"ssh-keyscan", "-T", std::to_string(timeout.count()), "-t", "ed25519,ecdsa,rsa", "-p",
                                std::to_string(t.port), "--", t.host},
                               timeout + std::chrono::seconds(5));
    if (!scanned)
        return make_error(errc::host_unreachable,
                          "cannot read the SSH host key of " + t.host + ": " + scanned.error().detail);
    return pick_scanned_key(scanned->out, t.host);
}

result<void> ssh_trust::write_pins(const std::vector<pinned_host>& pins) {
    std::string text;
    for (const auto& p : pins)
        text += known_hosts_line(p.target, p.key) + "\n";
    std::lock_guard lock(mu_);
    const std::string tmp = known_hosts_path() + ".new";
    KUMO_TRY_VOID(crypto::write_secret_file(tmp, text));
    std::error_code ec;
    std::filesystem::rename(tmp, known_hosts_path(), ec);
    if (ec)
        return make_error(errc::internal, "cannot write " + known_hosts_path() + ": " + ec.message());
    return {};
}

std::string ssh_trust::libvirt_uri(const ssh_target& t) const {
    return libvirt_ssh_uri(t, key_path(), known_hosts_path());
}

result<process_output> ssh_trust::run(const ssh_target& t, const std::vector<std::string>& argv,
                                      std::chrono::milliseconds timeout) const {
    const auto connect_s = std::max<long long>(1, std::chrono::duration_cast<std::chrono::seconds>(timeout).count());
    std::vector<std::string> cmd = {"ssh",
                                    "-F",
                                    "/dev/null",  // no user or system config can loosen the settings below
                                    "-i",
                                    key_path(),
                                    "-o",
                                    "IdentitiesOnly=yes",
                                    "-o",
                                    "BatchMode=yes",
                                    "-o",
                                    "PasswordAuthentication=no",
                                    "-o",
                                    "StrictHostKeyChecking=yes",
                                    "-o",
                                    "UserKnownHostsFile=" + known_hosts_path(),
                                    "-o",
                                    "GlobalKnownHostsFile=/dev/null",
                                    "-o",
                                    fmt::format("ConnectTimeout={}", connect_s),
                                    "-p",
                                    std::to_string(t.port),
                                    "-l",
                                    t.user,
                                    "--",
                                    t.host,
                                    quoted_remote_command(argv)};
    return run_process(cmd, timeout);
}

}  // namespace kumo
