// The hypervisor port's contract, checked against libvirt's test driver with a private per-test host.
// The real-hypervisor tests ([qemu]) run the same adapter against qemu:///system.
#include "kumo/domain/domain_xml.hpp"
#include "kumo/ports/libvirt_driver.hpp"

#include <fstream>
#include "kumo_catch.hpp"

using namespace kumo;

namespace {

hypervisor_driver& driver() {
    static auto d = make_libvirt_driver();
    return *d;
}

std::string host_file() {
    static int n = 0;
    const std::string path = "/tmp/kumo-contract-" + std::to_string(getpid()) + "-" + std::to_string(++n) + ".xml";
    std::ofstream(path)
        << "<node><cpu><mhz>2000</mhz><model>x86_64</model><active>4</active><nodes>1</nodes>"
           "<sockets>1</sockets><cores>4</cores><threads>1</threads></cpu><memory>8388608</memory></node>";
    return path;
}

std::string test_domain(const std::string& uuid) {
    domain_spec s;
    s.uuid = uuid;
    s.title = "contract";
    s.kind = guest_kind::test;
    s.memory_mb = 64;
    s.vnc_password = "abcd";
    return render_domain_xml(s);
}

}  // namespace

TEST_CASE("libvirt adapter reports inventory", "[libvirt]") {
    auto conn = driver().connect("test://" + host_file(), {});
    REQUIRE(conn);
    auto inv = (*conn)->inventory();
    REQUIRE(inv);
    CHECK(inv->cpus == 4);
    CHECK(inv->memory_mb == 8192);
    CHECK(inv->hypervisor == "TEST");
    CHECK_FALSE(inv->libvirt_version.empty());
    CHECK((*conn)->alive());
}

TEST_CASE("libvirt adapter runs a domain through its lifecycle", "[libvirt]") {
    auto conn = driver().connect("test://" + host_file(), {});
    REQUIRE(conn);
    auto& c = **conn;
    const std::string id = "3b0e8a4c-1d2e-4f5a-8b6c-7d8e9f0a1b2c";
    CHECK(c.state(id).value() == power_state::missing);
    REQUIRE(c.define(test_domain(id)));
    CHECK(c.state(id).value() == power_state::shutoff);
    REQUIRE(c.start(id));
    CHECK(c.state(id).value() == power_state::running);
    REQUIRE(c.suspend(id));
    CHECK(c.state(id).value() == power_state::paused);
    REQUIRE(c.resume(id));
    REQUIRE(c.reboot(id, false));
    REQUIRE(c.shutdown(id));
    CHECK(c.state(id).value() == power_state::shutoff);
    REQUIRE(c.start(id));
    REQUIRE(c.destroy(id));
    auto listed = c.list_domains();
    REQUIRE(listed);
    bool found = false;
    for (const auto& d : *listed)
        found = found || (d.uuid == id && d.name == "kumo-" + id);
    CHECK(found);
    REQUIRE(c.undefine(id));
    auto again = c.undefine(id);
    REQUIRE_FALSE(again);
    CHECK(again.error().code == errc::not_found);
}

TEST_CASE("libvirt adapter maps failures to error codes", "[libvirt]") {
    auto bad = driver().connect("test:///no/such/host.xml", {});
    REQUIRE_FALSE(bad);
    CHECK(bad.error().code == errc::host_unreachable);
    auto scheme = driver().connect("vbox:///session", {});
    REQUIRE_FALSE(scheme);
    CHECK(scheme.error().code == errc::validation_failed);
    auto conn = driver().connect("test://" + host_file(), {});
    REQUIRE(conn);
    auto start = (*conn)->start("00000000-0000-4000-8000-000000000000");
    REQUIRE_FALSE(start);
    CHECK(start.error().code == errc::not_found);
    auto garbage = (*conn)->define("<domain type='test'><name>x</name>");
    REQUIRE_FALSE(garbage);
}
