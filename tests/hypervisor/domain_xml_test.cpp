#include "kumo/hypervisor/domain_xml.hpp"

#include <cstdlib>
#include <fstream>
#include <sstream>
#include "kumo_catch.hpp"

using namespace kumo;

namespace {

domain_spec sample(guest_kind kind) {
    domain_spec s;
    s.uuid = "6f1c2b9e-8a53-4c1e-9d7a-2f4b5c6d7e8f";
    s.title = "web <1> & 'db'";
    s.project_id = "0b7c6d5e-4f3a-4b2c-8d1e-9f0a1b2c3d4e";
    s.kind = kind;
    s.vcpus = 2;
    s.memory_mb = 256;
    s.vnc_password = "a1b2c3d4";
    return s;
}

std::string read_file(const std::string& path) {
    std::ifstream in(path);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

}  // namespace

TEST_CASE("domain XML matches the golden file for every guest kind", "[xml]") {
    const std::pair<guest_kind, const char*> kinds[] = {{guest_kind::kvm, "kvm"},
                                                        {guest_kind::qemu, "qemu"},
                                                        {guest_kind::xen_hvm, "xen-hvm"},
                                                        {guest_kind::xen_pv, "xen-pv"},
                                                        {guest_kind::test, "test"}};
    for (const auto& [kind, name] : kinds) {
        const std::string path = std::string(KUMO_GOLDEN_DIR) + "/domain-" + name + ".xml";
        const std::string xml = render_domain_xml(sample(kind));
        if (std::getenv("KUMO_UPDATE_GOLDEN"))
            std::ofstream(path) << xml;
        INFO(path);
        CHECK(xml == read_file(path));
    }
}

TEST_CASE("a guest booted from images: disks, direct kernel boot, console log", "[xml]") {
    auto s = sample(guest_kind::qemu);
    s.disks = {{"/var/lib/kumo/pool/kumo-6f1c2b9e-8a53-4c1e-9d7a-2f4b5c6d7e8f-root.qcow2", "qcow2", false},
               {"/var/lib/kumo/pool/kumo-6f1c2b9e-8a53-4c1e-9d7a-2f4b5c6d7e8f-config.iso", "raw", true}};
    s.kernel = "/var/lib/kumo/pool/image-1";
    s.initrd = "/var/lib/kumo/pool/image-2";
    s.cmdline = "console=ttyS0 root=/dev/vda";
    s.console_log = "/var/lib/kumo/pool/kumo-6f1c2b9e-8a53-4c1e-9d7a-2f4b5c6d7e8f-console.log";
    const std::string path = std::string(KUMO_GOLDEN_DIR) + "/domain-qemu-image.xml";
    const std::string xml = render_domain_xml(s);
    if (std::getenv("KUMO_UPDATE_GOLDEN"))
        std::ofstream(path) << xml;
    CHECK(xml == read_file(path));
    CHECK(xml.find("<target dev='vdb' bus='virtio'/>\n      <readonly/>") != std::string::npos);
    CHECK(xml.find("<boot dev=") == std::string::npos);  // the kernel boots, not the firmware's boot order
}

TEST_CASE("a guest installing from an ISO: CD-ROM first, then the blank root disk", "[xml]") {
    auto s = sample(guest_kind::qemu);
    s.disks = {{"/var/lib/kumo/pool/kumo-6f1c2b9e-8a53-4c1e-9d7a-2f4b5c6d7e8f-root.qcow2", "qcow2", false},
               {"/var/lib/kumo/pool/kumo-6f1c2b9e-8a53-4c1e-9d7a-2f4b5c6d7e8f-config.iso", "raw", true},
               {"/var/lib/kumo/pool/kumo-6f1c2b9e-8a53-4c1e-9d7a-2f4b5c6d7e8f-ephemeral.qcow2", "qcow2", false}};
    s.cdrom = "/var/lib/kumo/pool/image-3";
    const std::string path = std::string(KUMO_GOLDEN_DIR) + "/domain-qemu-iso.xml";
    const std::string xml = render_domain_xml(s);
    if (std::getenv("KUMO_UPDATE_GOLDEN"))
        std::ofstream(path) << xml;
    CHECK(xml == read_file(path));
    CHECK(xml.find("<boot dev='cdrom'/>\n    <boot dev='hd'/>") != std::string::npos);
    CHECK(xml.find("<disk type='file' device='cdrom'>") != std::string::npos);
    CHECK(xml.find("<target dev='vdc' bus='virtio'/>") != std::string::npos);  // the ephemeral disk
    CHECK(xml.find("<boot dev='network'/>") == std::string::npos);
}

TEST_CASE("user text in domain XML is escaped, never markup", "[xml]") {
    auto s = sample(guest_kind::kvm);
    s.title = "</title><devices><disk/></devices>";
    const std::string xml = render_domain_xml(s);
    CHECK(xml.find("<disk/>") == std::string::npos);
    CHECK(xml.find("&lt;/title&gt;&lt;devices&gt;") != std::string::npos);
}

TEST_CASE("kvm guests use a named CPU model, never host-passthrough", "[xml]") {
    const std::string xml = render_domain_xml(sample(guest_kind::kvm));
    CHECK(xml.find("host-passthrough") == std::string::npos);
    CHECK(xml.find("<model fallback='forbid'>qemu64</model>") != std::string::npos);
    CHECK(xml.find("listen='127.0.0.1'") != std::string::npos);
}

TEST_CASE("disks hot-plugged: qcow2 files and raw LVM block devices", "[xml]") {
    CHECK(render_disk_xml({"/p/volume-1.qcow2"}, "vdd") ==
          "<disk type='file' device='disk'><driver name='qemu' type='qcow2' discard='unmap'/>"
          "<source file='/p/volume-1.qcow2'/><target dev='vdd' bus='virtio'/></disk>");
    CHECK(render_disk_xml({"/dev/vg0/volume-1", "raw", false, true}, "vde") ==
          "<disk type='block' device='disk'><driver name='qemu' type='raw' discard='unmap'/>"
          "<source dev='/dev/vg0/volume-1'/><target dev='vde' bus='virtio'/></disk>");
}

TEST_CASE("storage pools: a directory Kumo makes, an LVM volume group the admin made", "[xml]") {
    const std::string dir = render_pool_xml({"kumo", "dir", "/var/lib/kumo/pool"});
    CHECK(dir.find("<pool type='dir'>") != std::string::npos);
    CHECK(dir.find("<path>/var/lib/kumo/pool</path>") != std::string::npos);
    CHECK(dir.find("<mode>0711</mode>") != std::string::npos);
    const std::string lvm = render_pool_xml({"kumo-lvm", "logical", "/dev/vg_ssd", "vg_ssd"});
    CHECK(lvm.find("<pool type='logical'>") != std::string::npos);
    CHECK(lvm.find("<source>\n    <name>vg_ssd</name>\n    <format type='lvm2'/>") != std::string::npos);
    CHECK(lvm.find("<path>/dev/vg_ssd</path>") != std::string::npos);
}
