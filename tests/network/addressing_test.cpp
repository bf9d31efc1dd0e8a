// The network module's pure rules: IPv4 parsing, subnet checks with the field each refusal names, the
// IPAM allocator, segmentation ids, MTUs, MACs and device names.
#include "kumo/network/addressing.hpp"
#include "kumo/network/segments.hpp"
#include "kumo_catch.hpp"

using namespace kumo;
using namespace kumo::net;

namespace {

ipv4 ip(const char* text) {
    auto a = parse_ipv4(text);
    REQUIRE(a);
    return *a;
}

// The field a validation error names (its first), or "" when it is something else.
template <class T>
std::string field_of(const result<T>& r) {
    REQUIRE_FALSE(r);
    if (r.error().code != errc::validation_failed || r.error().fields.empty())
        return "";
    return r.error().fields.front().field;
}

subnet_plan plan(subnet_request req, const std::vector<cidr4>& others = {}) {
    auto p = plan_subnet(req, others);
    INFO((p ? std::string() : p.error().detail));
    REQUIRE(p);
    return *p;
}

}  // namespace

TEST_CASE("IPv4 addresses are four plain decimal octets", "[unit][network]") {
    CHECK(parse_ipv4("198.18.0.1") == 0xc6120001u);
    CHECK(format_ipv4(0xc6120001u) == "198.18.0.1");
    CHECK(parse_ipv4("0.0.0.0") == 0u);
    CHECK(parse_ipv4("255.255.255.255") == 0xffffffffu);
    for (const char* bad : {"", "1.2.3", "1.2.3.4.5", "256.1.1.1", "01.2.3.4", "1.2.3.-4", " 1.2.3.4", "1.2.3.4 ",
                            "1..2.3", "a.b.c.d", "1.2.3.4/24", "99999999999.1.1.1"})
        CHECK_FALSE(parse_ipv4(bad));
}

TEST_CASE("CIDRs: host bits set and bad text are refused naming the field", "[unit][network]") {
    auto c = parse_cidr4("10.1.0.0/16", "cidr");
    REQUIRE(c);
    CHECK(c->contains(ip("10.1.255.255")));
    CHECK_FALSE(c->contains(ip("10.2.0.0")));
    CHECK(c->broadcast() == ip("10.1.255.255"));
    auto host_bits = parse_cidr4("10.0.0.1/24", "cidr");
    CHECK(field_of(host_bits) == "cidr");
    CHECK(host_bits.error().fields.front().message.find("10.0.0.0/24") != std::string::npos);
    for (const char* bad : {"10.0.0.0", "10.0.0.0/", "10.0.0.0/33", "10.0.0.0/024", "x/24"})
        CHECK(field_of(parse_cidr4(bad, "cidr")) == "cidr");
}

TEST_CASE("a subnet's defaults: the first address is the gateway, the rest one pool", "[unit][network]") {
    const subnet_plan s = plan({.cidr = "198.18.0.0/24"});
    REQUIRE(s.gateway);
    CHECK(*s.gateway == ip("198.18.0.1"));
    REQUIRE(s.pools.size() == 1);
    CHECK(s.pools[0].first == ip("198.18.0.2"));
    CHECK(s.pools[0].last == ip("198.18.0.254"));  // never the broadcast address

    const subnet_plan mid = plan({.cidr = "198.18.0.0/24", .gateway_ip = "198.18.0.100"});
    REQUIRE(mid.pools.size() == 2);  // split around the gateway
    CHECK(mid.pools[0].last == ip("198.18.0.99"));
    CHECK(mid.pools[1].first == ip("198.18.0.101"));

    const subnet_plan none = plan({.cidr = "198.18.0.0/30", .no_gateway = true});
    CHECK_FALSE(none.gateway);
    REQUIRE(none.pools.size() == 1);
    CHECK(none.pools[0].size() == 2);
}

TEST_CASE("subnet refusals name their field", "[unit][network]") {
    const auto refused = [](subnet_request r, const std::vector<cidr4>& others = {}) {
        return field_of(plan_subnet(r, others));
    };
    CHECK(refused({.cidr = "10.0.0.5/24"}) == "cidr");
    CHECK(refused({.cidr = "10.0.0.0/31"}) == "cidr");  // no room for a gateway and a port
    CHECK(refused({.cidr = "10.0.0.0/7"}) == "cidr");
    auto on_network = parse_cidr4("10.0.0.0/16", "cidr");
    REQUIRE(on_network);
    CHECK(refused({.cidr = "10.0.3.0/24"}, {*on_network}) == "cidr");  // overlaps another subnet
    CHECK(refused({.cidr = "10.0.0.0/24", .gateway_ip = "10.0.1.1"}) == "gateway_ip");
    CHECK(refused({.cidr = "10.0.0.0/24", .gateway_ip = "10.0.0.0"}) == "gateway_ip");
    CHECK(refused({.cidr = "10.0.0.0/24", .gateway_ip = "10.0.0.255"}) == "gateway_ip");
    CHECK(refused({.cidr = "10.0.0.0/24", .gateway_ip = "ten"}) == "gateway_ip");
    CHECK(refused({.cidr = "10.0.0.0/24", .allocation_pools = {{"10.0.0.10", "10.0.1.20"}}}) ==
          "allocation_pools[0].end");
    CHECK(refused({.cidr = "10.0.0.0/24", .allocation_pools = {{"10.0.0.20", "10.0.0.10"}}}) ==
          "allocation_pools[0].end");
    CHECK(refused({.cidr = "10.0.0.0/24", .allocation_pools = {{"10.0.0.1", "10.0.0.10"}}}) ==
          "allocation_pools[0].start");  // holds the default gateway
    CHECK(refused({.cidr = "10.0.0.0/24",
                   .allocation_pools = {{"10.0.0.50", "10.0.0.60"},
                                        {"10.0.0.10", "10.0.0.20"},
                                        {"10.0.0.55", "10.0.0.70"}}}) == "allocation_pools[2].start");
    CHECK(refused({.cidr = "10.0.0.0/24", .dns_nameservers = {"1.1.1.1", "nine"}}) == "dns_nameservers[1]");
    CHECK(
        refused({.cidr = "10.0.0.0/24", .host_routes = {{"192.168.0.0/16", "10.0.0.9"}, {"0.0.0.1/0", "10.0.0.9"}}}) ==
        "host_routes[1].destination");
    CHECK(refused({.cidr = "10.0.0.0/24", .host_routes = {{"192.168.0.0/16", "192.168.0.1"}}}) ==
          "host_routes[0].nexthop");  // the next hop must be reachable on the subnet
    CHECK(plan_subnet({.cidr = "10.0.0.0/30", .gateway_ip = "10.0.0.1", .allocation_pools = {{"10.0.0.2", "10.0.0.2"}}},
                      {}));  // the smallest subnet: one port
}

TEST_CASE("the allocator hands out the lowest free pool address and says when the subnet is full", "[unit][network]") {
    const subnet_plan s = plan({.cidr = "10.0.0.0/27",
                                .gateway_ip = "10.0.0.1",
                                .allocation_pools = {{"10.0.0.20", "10.0.0.22"}, {"10.0.0.2", "10.0.0.3"}}});
    std::set<ipv4> used;
    std::vector<std::string> given;
    while (auto a = next_free_address(s, used)) {
        CHECK(used.insert(*a).second);  // never twice
        given.push_back(format_ipv4(*a));
    }
    CHECK(given == std::vector<std::string>{"10.0.0.2", "10.0.0.3", "10.0.0.20", "10.0.0.21", "10.0.0.22"});
    used.erase(ip("10.0.0.21"));  // a port released: its address is the next one given
    CHECK(next_free_address(s, used) == ip("10.0.0.21"));
    // Used addresses outside the pools (a fixed IP the admin set before the pools changed) do not matter.
    const subnet_plan whole = plan({.cidr = "10.0.0.0/29"});
    CHECK(next_free_address(whole, {ip("10.0.0.1"), ip("10.0.0.2"), ip("10.0.0.4")}) == ip("10.0.0.3"));
}

TEST_CASE("fixed IPs: inside a pool and free, else the field or a conflict", "[unit][network]") {
    const subnet_plan s = plan({.cidr = "10.0.0.0/24", .allocation_pools = {{"10.0.0.10", "10.0.0.20"}}});
    const std::set<ipv4> used{ip("10.0.0.12")};
    CHECK(check_fixed_ip(s, "10.0.0.11", used, "networks[0].fixed_ip").value() == ip("10.0.0.11"));
    CHECK(field_of(check_fixed_ip(s, "10.0.0.1", used, "networks[0].fixed_ip")) == "networks[0].fixed_ip");  // gateway
    CHECK(field_of(check_fixed_ip(s, "10.0.0.30", used, "networks[0].fixed_ip")) == "networks[0].fixed_ip");
    CHECK(field_of(check_fixed_ip(s, "10.0.1.11", used, "networks[0].fixed_ip")) == "networks[0].fixed_ip");
    CHECK(field_of(check_fixed_ip(s, "bad", used, "networks[0].fixed_ip")) == "networks[0].fixed_ip");
    auto taken = check_fixed_ip(s, "10.0.0.12", used, "networks[0].fixed_ip");
    REQUIRE_FALSE(taken);
    CHECK(taken.error().code == errc::conflict);
}

TEST_CASE("segmentation ids: the type's space, the configured ranges, the lowest free one", "[unit][network]") {
    CHECK(parse_network_type("vxlan") == network_type::vxlan);
    CHECK_FALSE(parse_network_type("gre"));
    auto ranges = parse_id_ranges("100:102,200:200", network_type::vxlan, "vxlan_id_ranges");
    REQUIRE(ranges);
    REQUIRE(ranges->size() == 2);
    CHECK(field_of(parse_id_ranges("5:4", network_type::vlan, "vlan_id_ranges")) == "vlan_id_ranges");
    CHECK(field_of(parse_id_ranges("1:4095", network_type::vlan, "vlan_id_ranges")) == "vlan_id_ranges");
    CHECK(field_of(parse_id_ranges("1:2", network_type::flat, "flat")) == "flat");

    std::set<std::int64_t> used{100, 101};
    CHECK(pick_segment(network_type::vxlan, std::nullopt, *ranges, used).value() == 102);
    used.insert(102);
    CHECK(pick_segment(network_type::vxlan, std::nullopt, *ranges, used).value() == 200);
    used.insert(200);
    auto exhausted = pick_segment(network_type::vxlan, std::nullopt, *ranges, used);
    REQUIRE_FALSE(exhausted);
    CHECK(exhausted.error().code == errc::conflict);
    // An admin may pick an id outside the ranges, inside the type's space, if it is free.
    CHECK(pick_segment(network_type::vxlan, 5000, *ranges, used).value() == 5000);
    CHECK(pick_segment(network_type::vxlan, 101, *ranges, used).error().code == errc::conflict);
    CHECK(field_of(pick_segment(network_type::vxlan, 1 << 24, *ranges, used)) == "segmentation_id");
    CHECK(field_of(pick_segment(network_type::vlan, 0, {}, {})) == "segmentation_id");
    CHECK(field_of(pick_segment(network_type::isolated, 7, {}, {})) == "segmentation_id");
    CHECK_FALSE(pick_segment(network_type::flat, std::nullopt, {}, {}).value().has_value());
}

TEST_CASE("MTUs, MACs and device names", "[unit][network]") {
    CHECK(network_mtu(network_type::vxlan, 1500) == 1450);
    CHECK(network_mtu(network_type::flat, 1500) == 1500);
    CHECK(port_mac({0x0a, 0xbc, 0x01}) == "02:4b:55:0a:bc:01");
    CHECK(parse_mac("02:4B:55:0A:BC:01", "mac_address").value() == "02:4b:55:0a:bc:01");
    for (const char* bad : {"", "02:4b:55:0a:bc", "02:4b:55:0a:bc:01:02", "02-4b-55-0a-bc-01", "0g:4b:55:0a:bc:01",
                            "02:4b:55:0a:bc:1", "01:00:5e:00:00:01", "00:00:00:00:00:00"})
        CHECK(field_of(parse_mac(bad, "mac_address")) == "mac_address");
    const std::string dev = port_device_name("d3b2a1c0-5f6e-4d3c-8b2a-1c0d9e8f7a6b");
    CHECK(dev == "tapd3b2a1c0-5f");
    CHECK(dev.size() <= 15);  // IFNAMSIZ - 1
}
