// The pure parts of SSH hosts: which URIs are accepted, fingerprints, known_hosts lines, quoting of
// remote commands, and the libvirt URI Kumo derives.
#include "kumo/ssh/ssh.hpp"
#include "kumo/hypervisor/hypervisor.hpp"
#include "kumo_catch.hpp"

using namespace kumo;

TEST_CASE("SSH URIs: only <driver>+ssh://[user@]host[:port]/system, nothing that reaches libvirt's parameters",
          "[ssh]") {
    auto t = parse_ssh_uri("qemu+ssh://root@198.18.0.11/system", "uri");
    REQUIRE(t);
    CHECK(t->driver == "qemu");
    CHECK(t->user == "root");
    CHECK(t->host == "198.18.0.11");
    CHECK(t->port == 22);
    auto x = parse_ssh_uri("xen+ssh://node-2.example:2222/system", "uri");
    REQUIRE(x);
    CHECK(x->driver == "xen");
    CHECK(x->user == "root");
    CHECK(x->port == 2222);
    for (const char* bad : {"qemu+ssh://root@h/system?no_verify=1", "qemu+ssh://root@h/session", "qemu+ssh://h",
                            "qemu+ssh://root@h:0/system", "qemu+ssh://root@h:99999/system", "qemu+ssh://r;x@h/system",
                            "qemu+ssh://root@-h/system", "qemu+ssh://root@h&keyfile=/x/system",
                            "qemu+ssh://root@[::1]/system", "qemu+ssh://root@/system"}) {
        INFO(bad);
        auto r = parse_ssh_uri(bad, "uri");
        REQUIRE_FALSE(r);
        CHECK(r.error().fields.at(0).field == "uri");
        CHECK_FALSE(check_host_uri(bad, "uri"));
    }
    CHECK(check_host_uri("qemu+ssh://root@198.18.0.11/system", "uri"));
}

TEST_CASE("host key fingerprints match ssh-keygen, and keyscan output picks ed25519 first", "[ssh]") {
    const ssh_host_key k{"ssh-ed25519", "AAAAC3NzaC1lZDI1NTE5AAAAIIzbUPCB2LSy+i9ikT7IzLAX0sBSm6Qt8OhQavFjRnr7"};
    // ssh-keygen -lf -E sha256 of this key
    CHECK(fingerprint_of(k) == "SHA256:1DSYBnHPAK4+tUYA48pSa6F6okpGJz8X/3zFWYaTTm4");
    CHECK(fingerprint_of({"ssh-ed25519", "not base64!"}).empty());
    const std::string scanned =
        "# 198.18.0.11:22 SSH-2.0-OpenSSH_9.2p1\n"
        "198.18.0.11 ssh-rsa AAAAB3NzaC1yc2E=\n"
        "198.18.0.11 ssh-ed25519 " +
        k.base64 + "\n";
    auto best = pick_scanned_key(scanned, "198.18.0.11");
    REQUIRE(best);
    CHECK(best->type == "ssh-ed25519");
    auto none = pick_scanned_key("# nothing\n", "h");
    REQUIRE_FALSE(none);
    CHECK(none.error().code == errc::host_unreachable);
}

TEST_CASE("known_hosts lines, remote command quoting and the derived libvirt URI", "[ssh]") {
    const ssh_host_key k{"ssh-ed25519", "AAAA"};
    CHECK(known_hosts_line({"qemu", "root", "h1", 22}, k) == "h1 ssh-ed25519 AAAA");
    CHECK(known_hosts_line({"qemu", "root", "h1", 2222}, k) == "[h1]:2222 ssh-ed25519 AAAA");
    CHECK(quoted_remote_command({"ip", "link", "add", "br-x"}) == "'ip' 'link' 'add' 'br-x'");
    CHECK(quoted_remote_command({"echo", "it's; rm -rf /"}) == "'echo' 'it'\\''s; rm -rf /'");
    const std::string uri = libvirt_ssh_uri({"qemu", "root", "198.18.0.11", 22}, "/var/lib/kumo/ssh/id_ed25519",
                                            "/var/lib/kumo/ssh/known hosts");
    CHECK(uri ==
          "qemu+libssh2://root@198.18.0.11:22/system?keyfile=/var/lib/kumo/ssh/id_ed25519"
          "&known_hosts=/var/lib/kumo/ssh/known%20hosts&sshauth=privkey&known_hosts_verify=normal");
}
