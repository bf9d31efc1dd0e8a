#include "kumo/cli/client.hpp"
#include "kumo/core/crypto.hpp"

#include <fmt/format.h>
#include <cctype>

namespace kumo::cli {
namespace {

std::string lower(std::string_view s) {
    std::string out(s);
    for (char& c : out)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

std::string trim(std::string_view s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front())))
        s.remove_prefix(1);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back())))
        s.remove_suffix(1);
    return std::string(s);
}

// Drops the words tools put before the digest: "SHA256 ", "SHA256:", "sha256 Fingerprint=".
std::string strip_label(std::string s) {
    for (const char* label :
         {"sha256 fingerprint=", "sha256 fingerprint ", "sha256:", "sha256=", "sha256 ", "sha-256:", "sha-256 "}) {
        const std::string l(label);
        if (lower(s).rfind(l, 0) == 0)
            return trim(s.substr(l.size()));
    }
    return s;
}

std::string colon_hex(const std::string& raw) {
    std::string out;
    for (std::size_t i = 0; i < raw.size(); ++i)
        out += fmt::format("{}{:02X}", i ? ":" : "", static_cast<unsigned char>(raw[i]));
    return out;
}

}  // namespace

result<std::string> normalize_fingerprint(std::string_view text) {
    const std::string digest = strip_label(trim(text));
    std::string hex;
    bool only_hex = !digest.empty();
    for (char c : digest) {
        if (std::isxdigit(static_cast<unsigned char>(c)))
            hex.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
        else if (c != ':')
            only_hex = false;
    }
    if (only_hex && hex.size() == 64) {
        std::string raw;
        for (std::size_t i = 0; i < 64; i += 2)
            raw.push_back(static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
        return colon_hex(raw);
    }
    // ssh-keygen's form: standard base64 of the 32 bytes, padding dropped.
    std::string b64 = digest;
    while (!b64.empty() && b64.back() == '=')
        b64.pop_back();
    for (char& c : b64)
        c = c == '+' ? '-' : c == '/' ? '_' : c;
    std::string raw;
    if (b64.size() == 43 && crypto::base64url_decode(b64, raw) && raw.size() == 32)
        return colon_hex(raw);
    return make_error(errc::bad_request,
                      fmt::format("'{}' is not a SHA-256 fingerprint (64 hex digits, as `kumo serve` prints "
                                  "`SHA256 AA:BB:...`, or ssh-keygen's SHA256:base64)",
                                  std::string(text)));
}

}  // namespace kumo::cli
