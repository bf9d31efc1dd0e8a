#include "kumo/network/addressing.hpp"

#include <fmt/format.h>
#include <algorithm>
#include <charconv>

namespace kumo::net {
namespace {

// A decimal number without sign, spaces or leading zeros (0 itself is fine).
std::optional<unsigned> parse_decimal(std::string_view s, unsigned max) {
    if (s.empty() || s.size() > 10 || (s.size() > 1 && s[0] == '0'))
        return std::nullopt;
    unsigned v = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || end != s.data() + s.size() || v > max)
        return std::nullopt;
    return v;
}

result<ipv4> address_field(std::string_view text, const std::string& field) {
    auto a = parse_ipv4(text);
    if (!a)
        return validation_error(field, fmt::format("'{}' is not an IPv4 address", text));
    return *a;
}

// The addresses a host may have: not the network's own, not the broadcast.
address_range usable(const cidr4& c) {
    return {c.network + 1, c.broadcast() - 1};
}

result<void> check_inside(const cidr4& c, ipv4 a, const std::string& field) {
    const address_range u = usable(c);
    if (a < u.first || a > u.last)
        return validation_error(field, fmt::format("{} is not a usable address of {} (network and broadcast "
                                                   "addresses excluded)",
                                                   format_ipv4(a), c.text()));
    return {};
}

// The usable range without the gateway: one or two pools.
std::vector<address_range> default_pools(const cidr4& c, std::optional<ipv4> gateway) {
    const address_range u = usable(c);
    if (!gateway)
        return {u};
    std::vector<address_range> pools;
    if (*gateway > u.first)
        pools.push_back({u.first, *gateway - 1});
    if (*gateway < u.last)
        pools.push_back({*gateway + 1, u.last});
    return pools;
}

result<std::vector<address_range>> checked_pools(const subnet_request& req, const subnet_plan& s) {
    if (req.allocation_pools.empty())
        return default_pools(s.cidr, s.gateway);
    if (req.allocation_pools.size() > kMaxPools)
        return validation_error("allocation_pools", fmt::format("at most {} pools", kMaxPools));
    std::vector<std::pair<address_range, std::size_t>> pools;  // the range, its index in the request
    for (std::size_t i = 0; i < req.allocation_pools.size(); ++i) {
        const std::string at = fmt::format("allocation_pools[{}]", i);
        KUMO_TRY(const ipv4 first, address_field(req.allocation_pools[i].first, at + ".start"));
        KUMO_TRY(const ipv4 last, address_field(req.allocation_pools[i].second, at + ".end"));
        KUMO_TRY_VOID(check_inside(s.cidr, first, at + ".start"));
        KUMO_TRY_VOID(check_inside(s.cidr, last, at + ".end"));
        if (last < first)
            return validation_error(at + ".end", "the pool ends before it starts");
        if (s.gateway && *s.gateway >= first && *s.gateway <= last)
            return validation_error(at + ".start",
                                    fmt::format("the pool holds the gateway {}", format_ipv4(*s.gateway)));
        pools.push_back({{first, last}, i});
    }
    std::sort(pools.begin(), pools.end(), [](const auto& a, const auto& b) { return a.first.first < b.first.first; });
    for (std::size_t k = 1; k < pools.size(); ++k)
        if (pools[k].first.first <= pools[k - 1].first.last)
            return validation_error(fmt::format("allocation_pools[{}].start", pools[k].second),
                                    fmt::format("overlaps allocation_pools[{}]", pools[k - 1].second));
    std::vector<address_range> out;
    for (const auto& p : pools)
        out.push_back(p.first);
    return out;
}

result<void> fill_options(const subnet_request& req, subnet_plan& s) {
    if (req.dns_nameservers.size() > kMaxDnsServers)
        return validation_error("dns_nameservers", fmt::format("at most {} servers", kMaxDnsServers));
    for (std::size_t i = 0; i < req.dns_nameservers.size(); ++i) {
        KUMO_TRY(const ipv4 a, address_field(req.dns_nameservers[i], fmt::format("dns_nameservers[{}]", i)));
        s.dns_nameservers.push_back(a);
    }
    if (req.host_routes.size() > kMaxHostRoutes)
        return validation_error("host_routes", fmt::format("at most {} routes", kMaxHostRoutes));
    for (std::size_t i = 0; i < req.host_routes.size(); ++i) {
        const std::string at = fmt::format("host_routes[{}]", i);
        KUMO_TRY(const cidr4 dest, parse_cidr4(req.host_routes[i].first, at + ".destination"));
        KUMO_TRY(const ipv4 hop, address_field(req.host_routes[i].second, at + ".nexthop"));
        KUMO_TRY_VOID(check_inside(s.cidr, hop, at + ".nexthop"));  // a guest reaches only its own subnet
        s.host_routes.push_back({dest, hop});
    }
    return {};
}

}  // namespace

std::optional<ipv4> parse_ipv4(std::string_view text) {
    ipv4 a = 0;
    for (int octet = 0; octet < 4; ++octet) {
        const auto dot = text.find('.');
        if ((octet < 3) == (dot == std::string_view::npos))
            return std::nullopt;
        auto v = parse_decimal(text.substr(0, dot), 255);
        if (!v)
            return std::nullopt;
        a = (a << 8) | *v;
        text = octet < 3 ? text.substr(dot + 1) : std::string_view();
    }
    return a;
}

std::string format_ipv4(ipv4 a) {
    return fmt::format("{}.{}.{}.{}", a >> 24, (a >> 16) & 0xff, (a >> 8) & 0xff, a & 0xff);
}

std::string cidr4::text() const {
    return fmt::format("{}/{}", format_ipv4(network), prefix);
}

result<cidr4> parse_cidr4(std::string_view text, const std::string& field) {
    const auto slash = text.find('/');
    const auto a = parse_ipv4(text.substr(0, slash));
    const auto bits = slash == std::string_view::npos ? std::nullopt : parse_decimal(text.substr(slash + 1), 32);
    if (!a || !bits)
        return validation_error(field, fmt::format("'{}' is not an IPv4 CIDR such as 10.0.0.0/24", text));
    cidr4 c{*a, static_cast<int>(*bits)};
    if ((*a & c.host_mask()) != 0)
        return validation_error(field, fmt::format("'{}' has host bits set: the network is {}", text,
                                                   cidr4{*a & ~c.host_mask(), c.prefix}.text()));
    return c;
}

result<subnet_plan> plan_subnet(const subnet_request& req, const std::vector<cidr4>& others_on_network) {
    subnet_plan s;
    KUMO_TRY(s.cidr, parse_cidr4(req.cidr, "cidr"));
    if (s.cidr.prefix < kMinPrefix || s.cidr.prefix > kMaxPrefix)
        return validation_error("cidr", fmt::format("the prefix must be /{} to /{}", kMinPrefix, kMaxPrefix));
    for (const auto& other : others_on_network)
        if (s.cidr.overlaps(other))
            return validation_error("cidr",
                                    fmt::format("{} overlaps the network's subnet {}", s.cidr.text(), other.text()));
    if (req.gateway_ip) {
        KUMO_TRY(const ipv4 g, address_field(*req.gateway_ip, "gateway_ip"));
        KUMO_TRY_VOID(check_inside(s.cidr, g, "gateway_ip"));
        s.gateway = g;
    } else if (!req.no_gateway) {
        s.gateway = s.cidr.network + 1;
    }
    KUMO_TRY(s.pools, checked_pools(req, s));
    if (s.pools.empty())
        return validation_error("allocation_pools", "the subnet leaves no address for ports");
    KUMO_TRY_VOID(fill_options(req, s));
    return s;
}

std::optional<ipv4> next_free_address(const subnet_plan& s, const std::set<ipv4>& used) {
    for (const auto& p : s.pools) {
        // The used addresses of the pool in order: the first gap is the answer. (p.last is below the
        // broadcast address, so candidate never wraps.)
        ipv4 candidate = p.first;
        for (auto it = used.lower_bound(p.first); it != used.end() && *it == candidate && candidate <= p.last; ++it)
            ++candidate;
        if (candidate <= p.last)
            return candidate;
    }
    return std::nullopt;
}

result<ipv4> check_fixed_ip(const subnet_plan& s, std::string_view text, const std::set<ipv4>& used,
                            const std::string& field) {
    KUMO_TRY(const ipv4 a, address_field(text, field));
    const bool pooled = std::any_of(s.pools.begin(), s.pools.end(),
                                    [a](const address_range& p) { return a >= p.first && a <= p.last; });
    if (!pooled)
        return validation_error(field,
                                fmt::format("{} is not in an allocation pool of {}", format_ipv4(a), s.cidr.text()));
    if (used.count(a))
        return make_error(errc::conflict, fmt::format("{} is already in use on {}", format_ipv4(a), s.cidr.text()));
    return a;
}

}  // namespace kumo::net
