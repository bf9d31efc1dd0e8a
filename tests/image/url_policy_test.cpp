// The SSRF rules of URL imports: what a URL may look like and which addresses may be fetched from.
#include "url_policy.hpp"
#include "kumo_catch.hpp"

using namespace kumo;

TEST_CASE("import URLs: http(s) only, no user info, ports and paths parsed", "[url]") {
    auto u = parse_import_url("https://images.example.org/debian/12.qcow2?x=1#frag", "url");
    REQUIRE(u);
    CHECK(u->scheme == "https");
    CHECK(u->host == "images.example.org");
    CHECK(u->port == "443");
    CHECK(u->target == "/debian/12.qcow2?x=1");
    auto v6 = parse_import_url("http://[2001:db8::1]:8080", "url");
    REQUIRE(v6);
    CHECK(v6->host == "2001:db8::1");
    CHECK(v6->port == "8080");
    CHECK(v6->target == "/");
    for (const char* bad : {"file:///etc/passwd", "ftp://x/y", "gopher://x", "http://user:pw@host/x", "http:///x",
                            "http://host:0/", "http://host:99999/", "http://ho st/", "//host/x", "http://[::1/x"}) {
        INFO(bad);
        auto r = parse_import_url(bad, "url");
        REQUIRE_FALSE(r);
        CHECK(r.error().fields[0].field == "url");
    }
}

TEST_CASE("redirects are resolved and re-parsed", "[url]") {
    auto from = *parse_import_url("http://198.18.0.2/a", "url");
    CHECK(resolve_redirect(from, "/b", "url")->target == "/b");
    CHECK(resolve_redirect(from, "http://198.18.0.3:81/c", "url")->host == "198.18.0.3");
    CHECK_FALSE(resolve_redirect(from, "file:///etc/passwd", "url"));
    CHECK_FALSE(resolve_redirect(from, "//evil/x", "url"));
    CHECK_FALSE(resolve_redirect(from, "relative", "url"));
}

TEST_CASE("loopback, link-local, unspecified, multicast and own addresses are refused", "[url]") {
    for (const char* refused : {"127.0.0.1", "127.255.0.9", "::1", "0.0.0.0", "::", "169.254.169.254", "fe80::1",
                                "224.0.0.1", "ff02::1", "255.255.255.255", "::ffff:127.0.0.1", "100.64.0.1"}) {
        INFO(refused);
        auto r = check_import_address(refused, {}, {});
        REQUIRE_FALSE(r);
        CHECK(r.error().code == errc::forbidden);
    }
    CHECK(check_import_address("198.18.0.2", {}, {}));
    CHECK(check_import_address("2001:db8::1", {}, {}));
    // The daemon's and the hosts' addresses.
    CHECK_FALSE(check_import_address("198.18.0.11", {"198.18.0.11"}, {}));
    CHECK_FALSE(check_import_address("::ffff:198.18.0.11", {"198.18.0.11"}, {}));
    // An administrator's allow-list overrides.
    CHECK(check_import_address("127.0.0.1", {}, {"127.0.0.1/32"}));
    CHECK(check_import_address("198.18.0.11", {"198.18.0.11"}, {"198.18.0.0/24"}));
    CHECK_FALSE(check_import_address("127.0.0.2", {}, {"127.0.0.1/32"}));
    CHECK_FALSE(check_import_address("not-an-address", {}, {}));
    CHECK(check_cidr_list({"10.0.0.0/8", "::1/128", "192.0.2.7"}, "image_import_allow"));
    CHECK_FALSE(check_cidr_list({"10.0.0.0/33"}, "image_import_allow"));
    CHECK_FALSE(check_cidr_list({"nonsense"}, "image_import_allow"));
}
