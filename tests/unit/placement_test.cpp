#include "kumo/domain/placement.hpp"

#include "kumo_catch.hpp"

using namespace kumo;

TEST_CASE("first fit skips down and full hosts", "[placement]") {
    std::vector<host_capacity> hosts{
        {"a", "a", false, 8, 8192, 0, 0},   // down
        {"b", "b", true, 1, 8192, 4, 0},    // vcpus full at ratio 4
        {"c", "c", true, 8, 1024, 0, 768},  // not enough RAM left
        {"d", "d", true, 8, 8192, 0, 0},
    };
    auto r = place_first_fit({1, 512}, hosts);
    REQUIRE(r);
    CHECK(*r == "d");
}

TEST_CASE("first fit reports why every host was rejected", "[placement]") {
    std::vector<host_capacity> hosts{{"a", "a", false, 8, 8192, 0, 0}, {"b", "b", true, 8, 256, 0, 0}};
    auto r = place_first_fit({1, 512}, hosts);
    REQUIRE_FALSE(r);
    CHECK(r.error().code == errc::no_valid_host);
    CHECK(r.error().detail == "2 hosts rejected: down (1), vcpus (0), ram (1)");
    auto none = place_first_fit({1, 512}, {});
    REQUIRE_FALSE(none);
    CHECK(none.error().code == errc::no_valid_host);
}

TEST_CASE("ram ratio 1.0 allows exactly the host's memory", "[placement]") {
    std::vector<host_capacity> hosts{{"a", "a", true, 4, 1024, 0, 512}};
    CHECK(place_first_fit({1, 512}, hosts));
    CHECK_FALSE(place_first_fit({1, 513}, hosts));
}
