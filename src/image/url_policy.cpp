#include "url_policy.hpp"

#include <arpa/inet.h>
#include <array>
#include <charconv>
#include <cstring>
#include <optional>

namespace kumo {
namespace {

using bytes16 = std::array<unsigned char, 16>;

// Any numeric address as 16 bytes; IPv4 as ::ffff:a.b.c.d so one set of rules covers both.
std::optional<bytes16> to_bytes(const std::string& text) {
    bytes16 b{};
    in_addr v4{};
    if (inet_pton(AF_INET, text.c_str(), &v4) == 1) {
        b[10] = b[11] = 0xff;
        std::memcpy(&b[12], &v4, 4);
        return b;
    }
    in6_addr v6{};
    if (inet_pton(AF_INET6, text.c_str(), &v6) == 1) {
        std::memcpy(b.data(), &v6, 16);
        return b;
    }
    return std::nullopt;
}

bool is_v4(const bytes16& b) {
    for (int i = 0; i < 10; ++i)
        if (b[i] != 0)
            return false;
    return b[10] == 0xff && b[11] == 0xff;
}

bool in_prefix(const bytes16& a, const bytes16& net, int bits) {
    for (int i = 0; i < 16 && bits > 0; ++i, bits -= 8) {
        const unsigned char mask = bits >= 8 ? 0xff : static_cast<unsigned char>(0xff << (8 - bits));
        if ((a[i] & mask) != (net[i] & mask))
            return false;
    }
    return true;
}

// "ADDR/BITS" (bits relative to the address family, as written).
std::optional<std::pair<bytes16, int>> parse_cidr(const std::string& cidr) {
    auto slash = cidr.find('/');
    auto net = to_bytes(cidr.substr(0, slash));
    if (!net)
        return std::nullopt;
    const int family_bits = is_v4(*net) ? 32 : 128;
    int bits = family_bits;
    if (slash != std::string::npos) {
        const std::string b = cidr.substr(slash + 1);
        auto [p, ec] = std::from_chars(b.data(), b.data() + b.size(), bits);
        if (ec != std::errc() || p != b.data() + b.size() || bits < 0 || bits > family_bits)
            return std::nullopt;
    }
    return std::pair{*net, is_v4(*net) ? bits + 96 : bits};
}

// Why an address is never fetched from, or empty.
std::string refusal(const bytes16& a) {
    struct rule {
        const char* cidr;
        const char* why;
    };
    static const rule rules[] = {
        {"127.0.0.0/8", "loopback"},         {"::1/128", "loopback"},
        {"0.0.0.0/8", "unspecified"},        {"::/128", "unspecified"},
        {"169.254.0.0/16", "link-local"},    {"fe80::/10", "link-local"},
        {"224.0.0.0/4", "multicast"},        {"ff00::/8", "multicast"},
        {"255.255.255.255/32", "broadcast"}, {"100.64.0.0/10", "shared address space"},
    };
    for (const auto& r : rules) {
        auto c = parse_cidr(r.cidr);
        if (c && in_prefix(a, c->first, c->second))
            return r.why;
    }
    return {};
}

bool has_control(std::string_view s) {
    for (unsigned char c : s)
        if (c < 0x21 || c == 0x7f)
            return true;
    return false;
}

}  // namespace

result<import_url> parse_import_url(std::string_view url, const std::string& field) {
    if (url.size() > 4096 || has_control(url))
        return validation_error(field, "a URL without spaces or control characters, at most 4096 bytes");
    import_url u;
    auto colon = url.find("://");
    if (colon == std::string_view::npos)
        return validation_error(field, "an absolute http:// or https:// URL");
    u.scheme = std::string(url.substr(0, colon));
    for (auto& c : u.scheme)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (u.scheme != "http" && u.scheme != "https")
        return validation_error(field, "only http and https URLs are imported");
    std::string_view rest = url.substr(colon + 3);
    const auto path_at = rest.find_first_of("/?#");
    std::string_view authority = rest.substr(0, path_at);
    u.target = path_at == std::string_view::npos ? "/" : std::string(rest.substr(path_at));
    if (auto hash = u.target.find('#'); hash != std::string::npos)
        u.target.resize(hash);
    if (u.target.empty() || u.target[0] != '/')
        u.target = "/" + u.target;
    if (authority.find('@') != std::string_view::npos)
        return validation_error(field, "user names and passwords in URLs are not accepted");
    std::string_view port;
    if (!authority.empty() && authority[0] == '[') {
        auto close = authority.find(']');
        if (close == std::string_view::npos)
            return validation_error(field, "an unterminated IPv6 address");
        u.host = std::string(authority.substr(1, close - 1));
        if (close + 1 < authority.size()) {
            if (authority[close + 1] != ':')
                return validation_error(field, "a bad host");
            port = authority.substr(close + 2);
        }
    } else {
        auto pc = authority.rfind(':');
        u.host = std::string(authority.substr(0, pc));
        if (pc != std::string_view::npos)
            port = authority.substr(pc + 1);
    }
    if (u.host.empty())
        return validation_error(field, "the URL names no host");
    if (!port.empty()) {
        int p = 0;
        auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), p);
        if (ec != std::errc() || end != port.data() + port.size() || p < 1 || p > 65535)
            return validation_error(field, "a port between 1 and 65535");
        u.port = std::string(port);
    } else {
        u.port = u.scheme == "https" ? "443" : "80";
    }
    return u;
}

result<import_url> resolve_redirect(const import_url& from, std::string_view location, const std::string& field) {
    if (location.find("://") != std::string_view::npos)
        return parse_import_url(location, field);
    if (location.empty() || location[0] != '/' || (location.size() > 1 && location[1] == '/') || has_control(location))
        return validation_error(field, "an unsupported redirect");
    import_url to = from;
    to.target = std::string(location);
    return to;
}

result<void> check_import_address(const std::string& address, const std::vector<std::string>& denied,
                                  const std::vector<std::string>& allowed) {
    auto a = to_bytes(address);
    if (!a)
        return make_error(errc::forbidden, "not a numeric address: " + address);
    for (const auto& cidr : allowed) {
        auto c = parse_cidr(cidr);
        if (c && in_prefix(*a, c->first, c->second))
            return {};
    }
    if (auto why = refusal(*a); !why.empty())
        return make_error(errc::forbidden, "imports may not fetch from " + address + " (" + why + ")");
    for (const auto& d : denied) {
        auto b = to_bytes(d);
        if (b && *b == *a)
            return make_error(errc::forbidden,
                              "imports may not fetch from " + address + " (the daemon's or a host's own address)");
    }
    return {};
}

result<void> check_cidr_list(const std::vector<std::string>& cidrs, const std::string& field) {
    for (const auto& c : cidrs)
        if (!parse_cidr(c))
            return validation_error(field, "not ADDRESS/PREFIX: " + c);
    return {};
}

}  // namespace kumo
