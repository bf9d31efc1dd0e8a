#pragma once
// Network types, segmentation ids, MTUs, MACs and device names (pure rules, no I/O).
#include "kumo/core/error.hpp"

#include <array>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace kumo::net {

enum class network_type { vxlan, vlan, flat, isolated };
std::optional<network_type> parse_network_type(std::string_view s);
std::string_view to_string(network_type t);

struct id_range {
    std::int64_t first = 0, last = 0;
};

// The ids a type can carry at all: VXLAN VNIs 1..16777215, VLAN ids 1..4094; none for flat and isolated.
std::optional<id_range> segment_space(network_type t);

// The configured ranges, "100:200,300:400" (each inside the type's space). Errors: validation_failed (field).
result<std::vector<id_range>> parse_id_ranges(std::string_view text, network_type t, const std::string& field);

// The segmentation id of a new network: the requested one (checked against the type's space, and
// free), or the lowest free id of the configured ranges. nullopt for types without ids.
// Errors: validation_failed (segmentation_id out of the space, or given for a type without ids),
// conflict (the requested id is in use, or the ranges are exhausted).
result<std::optional<std::int64_t>> pick_segment(network_type t, std::optional<std::int64_t> requested,
                                                 const std::vector<id_range>& ranges,
                                                 const std::set<std::int64_t>& used);

// The MTU guests get: VXLAN over an IPv4 underlay carries 50 bytes of headers (outer IPv4 20, UDP 8,
// VXLAN 8, inner Ethernet 14); the other types use the underlay's MTU as it is.
int network_mtu(network_type t, int underlay_mtu);

// MACs Kumo hands out: its own locally administered unicast prefix 02:4b:55 ("KU"), the rest random.
std::string port_mac(const std::array<std::uint8_t, 3>& random_bytes);
// A user-given MAC, normalised to lower case: six colon-separated octets, unicast, not all zero.
// Errors: validation_failed (field).
result<std::string> parse_mac(std::string_view text, const std::string& field);

// The host-side device of a port, stable and at most 15 characters (IFNAMSIZ): "tap" and the first
// 11 characters of the port's id, as Neutron names its taps.
std::string port_device_name(std::string_view port_id);

}  // namespace kumo::net
