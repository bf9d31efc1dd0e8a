#include "kumo/network/segments.hpp"

#include <fmt/format.h>
#include <cctype>
#include <charconv>

namespace kumo::net {
namespace {

std::optional<std::int64_t> parse_id(std::string_view s) {
    std::int64_t v = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (s.empty() || ec != std::errc() || end != s.data() + s.size())
        return std::nullopt;
    return v;
}

int hex_digit(char c) {
    if (c >= '0' && c <= '9')
        return c - '0';
    const char l = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return l >= 'a' && l <= 'f' ? l - 'a' + 10 : -1;
}

}  // namespace

std::optional<network_type> parse_network_type(std::string_view s) {
    for (auto t : {network_type::vxlan, network_type::vlan, network_type::flat, network_type::isolated})
        if (to_string(t) == s)
            return t;
    return std::nullopt;
}

std::string_view to_string(network_type t) {
    switch (t) {
        case network_type::vxlan: return "vxlan";
        case network_type::vlan: return "vlan";
        case network_type::flat: return "flat";
        case network_type::isolated: return "isolated";
    }
    return "isolated";
}

std::optional<id_range> segment_space(network_type t) {
    if (t == network_type::vxlan)
        return id_range{1, (1 << 24) - 1};
    if (t == network_type::vlan)
        return id_range{1, 4094};  // 0 and 4095 are reserved by 802.1Q
    return std::nullopt;
}

result<std::vector<id_range>> parse_id_ranges(std::string_view text, network_type t, const std::string& field) {
    const auto space = segment_space(t);
    if (!space)
        return validation_error(field, fmt::format("{} networks have no segmentation ids", to_string(t)));
    std::vector<id_range> out;
    while (!text.empty()) {
        const auto comma = text.find(',');
        const std::string_view item = text.substr(0, comma);
        text = comma == std::string_view::npos ? std::string_view() : text.substr(comma + 1);
        const auto colon = item.find(':');
        const auto first = parse_id(item.substr(0, colon));
        const auto last = colon == std::string_view::npos ? first : parse_id(item.substr(colon + 1));
        if (!first || !last || *first > *last)
            return validation_error(field, fmt::format("'{}' is not a range such as 100:200", item));
        if (*first < space->first || *last > space->last)
            return validation_error(field, fmt::format("{} ids are {} to {}", to_string(t), space->first, space->last));
        out.push_back({*first, *last});
    }
    if (out.empty())
        return validation_error(field, "no range given");
    return out;
}

result<std::optional<std::int64_t>> pick_segment(network_type t, std::optional<std::int64_t> requested,
                                                 const std::vector<id_range>& ranges,
                                                 const std::set<std::int64_t>& used) {
    const auto space = segment_space(t);
    if (!space) {
        if (requested)
            return validation_error("segmentation_id",
                                    fmt::format("{} networks have no segmentation id", to_string(t)));
        return std::optional<std::int64_t>();
    }
    if (requested) {
        if (*requested < space->first || *requested > space->last)
            return validation_error("segmentation_id",
                                    fmt::format("{} ids are {} to {}", to_string(t), space->first, space->last));
        if (used.count(*requested))
            return make_error(errc::conflict,
                              fmt::format("{} id {} is used by another network", to_string(t), *requested));
        return requested;
    }
    for (const auto& r : ranges) {
        std::int64_t candidate = r.first;
        for (auto it = used.lower_bound(r.first); it != used.end() && *it == candidate && candidate <= r.last; ++it)
            ++candidate;
        if (candidate <= r.last)
            return std::optional<std::int64_t>(candidate);
    }
    return make_error(
        errc::conflict,
        fmt::format("every configured {} id is in use: widen the ranges or delete a network", to_string(t)));
}

int network_mtu(network_type t, int underlay_mtu) {
    return t == network_type::vxlan ? underlay_mtu - 50 : underlay_mtu;
}

std::string port_mac(const std::array<std::uint8_t, 3>& random_bytes) {
    return fmt::format("02:4b:55:{:02x}:{:02x}:{:02x}", random_bytes[0], random_bytes[1], random_bytes[2]);
}

result<std::string> parse_mac(std::string_view text, const std::string& field) {
    std::string out;
    bool nonzero = false;
    int first_octet = 0;
    for (int octet = 0; octet < 6; ++octet) {
        const std::size_t at = static_cast<std::size_t>(octet) * 3;
        const bool separated = octet == 5 ? text.size() == at + 2 : text.size() > at + 2 && text[at + 2] == ':';
        const int hi = text.size() > at + 1 ? hex_digit(text[at]) : -1;
        const int lo = text.size() > at + 1 ? hex_digit(text[at + 1]) : -1;
        if (!separated || hi < 0 || lo < 0)
            return validation_error(field, fmt::format("'{}' is not a MAC address such as 02:4b:55:12:34:56", text));
        const int v = hi * 16 + lo;
        if (octet == 0)
            first_octet = v;
        nonzero = nonzero || v != 0;
        out += fmt::format("{}{:02x}", octet ? ":" : "", v);
    }
    if (first_octet & 1)
        return validation_error(field, fmt::format("{} is a multicast address; a port needs a unicast one", out));
    if (!nonzero)
        return validation_error(field, "00:00:00:00:00:00 is not a usable MAC address");
    return out;
}

std::string port_device_name(std::string_view port_id) {
    return "tap" + std::string(port_id.substr(0, 11));
}

}  // namespace kumo::net
