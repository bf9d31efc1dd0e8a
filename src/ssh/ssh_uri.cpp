#include "kumo/core/crypto.hpp"
#include "kumo/core/text.hpp"
#include "kumo/ssh/ssh.hpp"

#include <fmt/format.h>
#include <algorithm>
#include <optional>
#include <sstream>

namespace kumo {
namespace {

bool valid_user(std::string_view u) {
    if (u.empty() || u.size() > 32 || !(std::isalpha(static_cast<unsigned char>(u[0])) || u[0] == '_'))
        return false;
    return std::all_of(u.begin(), u.end(),
                       [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-'; });
}

// Letters, digits, dots and inner hyphens: a DNS name or a dotted IPv4 address. No brackets, so no
// IPv6 literals yet; nothing that could end or extend the URI.
bool valid_host(std::string_view h) {
    if (h.empty() || h.size() > 253 || h.front() == '-' || h.front() == '.' || h.back() == '-' || h.back() == '.')
        return false;
    return std::all_of(h.begin(), h.end(),
                       [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-'; });
}

std::string percent_encode(std::string_view s) {
    std::string out;
    for (unsigned char c : s) {
        if (std::isalnum(c) || c == '/' || c == '-' || c == '_' || c == '.' || c == '~')
            out.push_back(static_cast<char>(c));
        else
            out += fmt::format("%{:02X}", c);
    }
    return out;
}

int key_preference(std::string_view type) {
    if (type == "ssh-ed25519")
        return 0;
    if (type.substr(0, 10) == "ecdsa-sha2")
        return 1;
    if (type == "ssh-rsa")
        return 2;
    return 3;
}

}  // namespace

bool is_host_address(std::string_view h) {
    return valid_host(h);
}

bool is_ssh_uri(std::string_view uri) {
    return uri.substr(0, 11) == "qemu+ssh://" || uri.substr(0, 10) == "xen+ssh://";
}

result<ssh_target> parse_ssh_uri(const std::string& uri, const std::string& field) {
    ssh_target t;
    std::string_view rest = uri;
    t.driver = rest.substr(0, rest.find('+'));
    rest.remove_prefix(rest.find("://") + 3);
    const auto slash = rest.find('/');
    if (slash == std::string_view::npos || rest.substr(slash) != "/system")
        return validation_error(field, "SSH URIs are <driver>+ssh://[user@]host[:port]/system, without parameters");
    std::string_view authority = rest.substr(0, slash);
    if (auto at = authority.find('@'); at != std::string_view::npos) {
        t.user = authority.substr(0, at);
        authority.remove_prefix(at + 1);
        if (!valid_user(t.user))
            return validation_error(field, "the SSH user name is not valid");
    }
    if (auto colon = authority.find(':'); colon != std::string_view::npos) {
        const std::string port(authority.substr(colon + 1));
        authority = authority.substr(0, colon);
        if (port.empty() || port.size() > 5 || !std::all_of(port.begin(), port.end(), ::isdigit) ||
            std::stoi(port) < 1 || std::stoi(port) > 65535)
            return validation_error(field, "the SSH port must be a number from 1 to 65535");
        t.port = std::stoi(port);
    }
    t.host = authority;
    if (!valid_host(t.host))
        return validation_error(field, "the host must be a DNS name or an IPv4 address");
    return t;
}

std::string fingerprint_of(const ssh_host_key& key) {
    std::string urlsafe = key.base64;
    urlsafe.erase(std::remove(urlsafe.begin(), urlsafe.end(), '='), urlsafe.end());
    std::replace(urlsafe.begin(), urlsafe.end(), '+', '-');
    std::replace(urlsafe.begin(), urlsafe.end(), '/', '_');
    std::string blob;
    if (key.base64.empty() || !crypto::base64url_decode(urlsafe, blob))
        return {};
    std::string fp = crypto::base64url_encode(crypto::sha256(blob));
    std::replace(fp.begin(), fp.end(), '-', '+');
    std::replace(fp.begin(), fp.end(), '_', '/');
    return "SHA256:" + fp;
}

result<ssh_host_key> parse_public_key(std::string_view line, const std::string& field) {
    std::istringstream fields{std::string(line)};
    ssh_host_key k;
    if (!(fields >> k.type >> k.base64))
        return validation_error(field, "expected an OpenSSH public key: TYPE BASE64 [COMMENT]");
    static const char* types[] = {"ssh-ed25519",         "ssh-rsa",
                                  "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384",
                                  "ecdsa-sha2-nistp521", "sk-ssh-ed25519@openssh.com"};
    if (std::find(std::begin(types), std::end(types), k.type) == std::end(types))
        return validation_error(field, "unsupported key type " + k.type);
    if (k.base64.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=") !=
        std::string::npos)
        return validation_error(field, "the key is not base64");
    std::string urlsafe = k.base64;
    urlsafe.erase(std::remove(urlsafe.begin(), urlsafe.end(), '='), urlsafe.end());
    std::replace(urlsafe.begin(), urlsafe.end(), '+', '-');
    std::replace(urlsafe.begin(), urlsafe.end(), '/', '_');
    std::string blob;
    // The blob starts with the key type as an SSH string (4-byte length, then the name).
    if (!crypto::base64url_decode(urlsafe, blob) || blob.size() < 4 + k.type.size() ||
        blob.substr(4, k.type.size()) != k.type)
        return validation_error(field, "the key data does not match its type");
    return k;
}

result<ssh_host_key> pick_scanned_key(const std::string& keyscan_output, const std::string& host) {
    std::istringstream lines(keyscan_output);
    std::string line;
    std::optional<ssh_host_key> best;
    while (std::getline(lines, line)) {
        if (line.empty() || line[0] == '#')
            continue;
        std::istringstream fields(line);
        std::string who;
        ssh_host_key k;
        if (!(fields >> who >> k.type >> k.base64) || fingerprint_of(k).empty())
            continue;
        if (!best || key_preference(k.type) < key_preference(best->type))
            best = k;
    }
    if (!best)
        return make_error(errc::host_unreachable, "no SSH host key could be read from " + host);
    return *best;
}

std::string known_hosts_line(const ssh_target& t, const ssh_host_key& key) {
    const std::string who = t.port == 22 ? t.host : fmt::format("[{}]:{}", t.host, t.port);
    return fmt::format("{} {} {}", who, key.type, key.base64);
}

std::string quoted_remote_command(const std::vector<std::string>& argv) {
    std::string cmd;
    for (const auto& a : argv) {
        if (!cmd.empty())
            cmd += ' ';
        cmd += '\'';
        for (char c : a) {
            if (c == '\'')
                cmd += "'\\''";
            else
                cmd += c;
        }
        cmd += '\'';
    }
    return cmd;
}

std::string libvirt_ssh_uri(const ssh_target& t, const std::string& keyfile, const std::string& known_hosts) {
    // known_hosts_verify=normal: an unknown or changed key fails the connection (never auto-accepted).
    // libssh2, not libssh: with libvirt 9's libssh transport a reply could sit unread until the event
    // loop next woke (in the lab a live migration took 8 s instead of 2.7 s, and any call could wait
    // up to the keepalive interval), and concurrent use of one connection crashed the client.
    return fmt::format(
        "{}+libssh2://{}@{}:{}/system?keyfile={}&known_hosts={}&sshauth=privkey&known_hosts_verify=normal", t.driver,
        t.user, t.host, t.port, percent_encode(keyfile), percent_encode(known_hosts));
}

}  // namespace kumo
