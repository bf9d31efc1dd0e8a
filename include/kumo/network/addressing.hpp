#pragma once
// IPv4 addressing for tenant subnets (pure rules, no I/O): CIDRs, gateways, allocation pools, host
// routes, and the allocator IPAM runs inside a VM's create transaction. Addresses are host-order
// integers; text is dotted quads. Every refusal is a validation error naming the request's field.
//
// IPv6 is not here yet: the model keeps `ip_version` on a subnet so SLAAC/DHCPv6 can come later
// without a migration of the address columns (they hold text).
#include "kumo/core/error.hpp"

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace kumo::net {

using ipv4 = std::uint32_t;

// "198.18.0.1" (exactly four decimal octets, no leading zeros: "010.0.0.1" is ambiguous).
std::optional<ipv4> parse_ipv4(std::string_view text);
std::string format_ipv4(ipv4 a);

struct cidr4 {
    ipv4 network = 0;
    int prefix = 0;
    ipv4 broadcast() const { return network | host_mask(); }
    ipv4 host_mask() const { return prefix == 0 ? 0xffffffffu : (prefix >= 32 ? 0u : (1u << (32 - prefix)) - 1); }
    bool contains(ipv4 a) const { return (a & ~host_mask()) == network; }
    bool overlaps(const cidr4& o) const { return contains(o.network) || o.contains(network); }
    std::string text() const;
};

// "10.0.0.0/24"; host bits set ("10.0.0.1/24") are refused rather than silently cleared.
result<cidr4> parse_cidr4(std::string_view text, const std::string& field);

struct address_range {
    ipv4 first = 0, last = 0;
    std::uint64_t size() const { return std::uint64_t(last) - first + 1; }
};

struct host_route {
    cidr4 destination;
    ipv4 nexthop = 0;
};

// A subnet as the user asked for it (text, as in the API body). Optional fields absent = defaults.
struct subnet_request {
    std::string cidr;
    std::optional<std::string> gateway_ip;                              // absent: the first usable address
    bool no_gateway = false;                                            // "gateway_ip": null
    std::vector<std::pair<std::string, std::string>> allocation_pools;  // start, end
    std::vector<std::string> dns_nameservers;
    std::vector<std::pair<std::string, std::string>> host_routes;  // destination, nexthop
};

// A checked subnet: the defaults filled in, every address inside the CIDR.
struct subnet_plan {
    cidr4 cidr;
    std::optional<ipv4> gateway;
    std::vector<address_range> pools;  // sorted, disjoint, never holding the gateway
    std::vector<ipv4> dns_nameservers;
    std::vector<host_route> host_routes;
};

// Limits that keep DHCP answers and rule sets small.
inline constexpr int kMinPrefix = 8;   // a /8 is already 16 million addresses
inline constexpr int kMaxPrefix = 30;  // a /30 has one usable address after the gateway
inline constexpr std::size_t kMaxDnsServers = 5;
inline constexpr std::size_t kMaxHostRoutes = 20;
inline constexpr std::size_t kMaxPools = 20;

// Checks the request against the rules and the network's other subnets (they may not overlap).
// Errors: validation_failed naming cidr, gateway_ip, allocation_pools[i].start|end,
// dns_nameservers[i], host_routes[i].destination|nexthop.
result<subnet_plan> plan_subnet(const subnet_request& req, const std::vector<cidr4>& others_on_network);

// The lowest free address of the pools, or nullopt when every one is taken.
std::optional<ipv4> next_free_address(const subnet_plan& s, const std::set<ipv4>& used);

// A user-chosen fixed IP: inside one of the pools and not in use. Errors: validation_failed (field),
// conflict (taken).
result<ipv4> check_fixed_ip(const subnet_plan& s, std::string_view text, const std::set<ipv4>& used,
                            const std::string& field);

}  // namespace kumo::net
