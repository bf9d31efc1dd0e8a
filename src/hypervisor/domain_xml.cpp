#include "kumo/hypervisor/domain_xml.hpp"

#include <fmt/format.h>

namespace kumo {
namespace {

const char* domain_type(guest_kind k) {
    switch (k) {
        case guest_kind::kvm: return "kvm";
        case guest_kind::qemu: return "qemu";
        case guest_kind::xen_hvm:
        case guest_kind::xen_pv: return "xen";
        case guest_kind::test: return "test";
    }
    return "kvm";
}

bool is_xen(guest_kind k) {
    return k == guest_kind::xen_hvm || k == guest_kind::xen_pv;
}

std::string os_section(const domain_spec& s) {
    const std::string arch = xml_escape(s.arch);
    switch (s.kind) {
        case guest_kind::xen_pv:
            return fmt::format("  <os>\n    <type arch='{}' machine='xenpv'>xen</type>\n  </os>\n", arch);
        case guest_kind::xen_hvm:
            return fmt::format(
                "  <os>\n    <type arch='{}' machine='xenfv'>hvm</type>\n    <boot dev='hd'/>\n"
                "    <boot dev='network'/>\n  </os>\n",
                arch);
        case guest_kind::test: return fmt::format("  <os>\n    <type arch='{}'>hvm</type>\n  </os>\n", arch);
        case guest_kind::kvm:
        case guest_kind::qemu: {
            std::string os = fmt::format("  <os>\n    <type arch='{}' machine='pc'>hvm</type>\n", arch);
            if (!s.kernel.empty()) {
                os += fmt::format("    <kernel>{}</kernel>\n", xml_escape(s.kernel));
                if (!s.initrd.empty())
                    os += fmt::format("    <initrd>{}</initrd>\n", xml_escape(s.initrd));
                if (!s.cmdline.empty())
                    os += fmt::format("    <cmdline>{}</cmdline>\n", xml_escape(s.cmdline));
            } else {
                os += s.cdrom.empty() ? "    <boot dev='hd'/>\n    <boot dev='network'/>\n"
                                      : "    <boot dev='cdrom'/>\n    <boot dev='hd'/>\n";
            }
            return os + "  </os>\n";
        }
    }
    return {};
}

std::string cpu_section(const domain_spec& s) {
    if (s.kind != guest_kind::kvm && s.kind != guest_kind::qemu)
        return {};
    if (!s.cpu_xml.empty())
        return "  " + s.cpu_xml + (s.cpu_xml.back() == '\n' ? "" : "\n");
    return fmt::format(
        "  <cpu mode='custom' match='exact' check='none'>\n"
        "    <model fallback='forbid'>{}</model>\n  </cpu>\n",
        xml_escape(s.cpu_model));
}

}  // namespace

std::string render_disk_xml(const disk_spec& disk, const std::string& target, int indent) {
    // Indented: the domain definition's layout; 0: one line (hot-plug).
    const std::string pad(indent, ' ');
    const std::string in = indent ? pad + "  " : "";
    const std::string nl = indent ? "\n" : "";
    const bool raw = disk.block || disk.format == "raw";
    std::string x = fmt::format("{}<disk type='{}' device='disk'>{}", pad, disk.block ? "block" : "file", nl);
    x += fmt::format("{}<driver name='qemu' type='{}' discard='unmap'/>{}", in, raw ? "raw" : "qcow2", nl);
    x += fmt::format("{}<source {}='{}'/>{}", in, disk.block ? "dev" : "file", xml_escape(disk.path), nl);
    x += fmt::format("{}<target dev='{}' bus='virtio'/>{}", in, xml_escape(target), nl);
    if (disk.readonly)
        x += in + "<readonly/>" + nl;
    return x + pad + "</disk>" + nl;
}

std::string render_pool_xml(const pool_def& pool) {
    if (pool.block())
        return fmt::format(
            "<pool type='logical'>\n  <name>{}</name>\n  <source>\n    <name>{}</name>\n"
            "    <format type='lvm2'/>\n  </source>\n  <target>\n    <path>/dev/{}</path>\n  </target>\n</pool>\n",
            xml_escape(pool.name), xml_escape(pool.volume_group), xml_escape(pool.volume_group));
    return fmt::format(
        "<pool type='dir'>\n  <name>{}</name>\n  <target>\n    <path>{}</path>\n"
        "    <permissions><mode>0711</mode></permissions>\n  </target>\n</pool>\n",
        xml_escape(pool.name), xml_escape(pool.path));
}

namespace {

std::string devices_section(const domain_spec& s) {
    std::string d = "  <devices>\n";
    if (s.kind == guest_kind::kvm || s.kind == guest_kind::qemu) {
        for (std::size_t i = 0; i < s.disks.size() && i < 26; ++i)
            d += render_disk_xml(s.disks[i], std::string("vd") + static_cast<char>('a' + i), 4);
        if (!s.cdrom.empty())
            d += fmt::format(
                "    <disk type='file' device='cdrom'>\n      <driver name='qemu' type='raw'/>\n"
                "      <source file='{}'/>\n      <target dev='hdc' bus='ide'/>\n      <readonly/>\n    </disk>\n",
                xml_escape(s.cdrom));
    }
    if (s.kind == guest_kind::xen_pv) {
        d += "    <console type='pty'>\n      <target type='xen' port='0'/>\n    </console>\n";
    } else {
        // The serial console is also logged to a file (kept by virtlogd) so it can be read afterwards.
        const std::string log =
            s.console_log.empty() ? "" : fmt::format("      <log file='{}' append='on'/>\n", xml_escape(s.console_log));
        d += "    <serial type='pty'>\n" + log + "      <target port='0'/>\n    </serial>\n";
        d += "    <console type='pty'>\n      <target type='serial' port='0'/>\n    </console>\n";
    }
    d += fmt::format(
        "    <graphics type='vnc' port='-1' autoport='yes' listen='127.0.0.1' passwd='{}'>\n"
        "      <listen type='address' address='127.0.0.1'/>\n    </graphics>\n",
        xml_escape(s.vnc_password));
    if (s.kind == guest_kind::kvm || s.kind == guest_kind::qemu) {
        d += "    <video>\n      <model type='vga'/>\n    </video>\n";
        d += "    <memballoon model='virtio'/>\n";
        d += "    <rng model='virtio'>\n      <backend model='random'>/dev/urandom</backend>\n    </rng>\n";
    }
    d += "  </devices>\n";
    return d;
}

}  // namespace

std::string xml_escape(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (char c : s) {
        switch (c) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '\'': out += "&apos;"; break;
            case '"': out += "&quot;"; break;
            default: out.push_back(c);
        }
    }
    return out;
}

guest_kind guest_kind_for(std::string_view virt_type) {
    if (virt_type == "qemu")
        return guest_kind::qemu;
    if (virt_type == "xen")
        return guest_kind::xen_hvm;
    if (virt_type == "test")
        return guest_kind::test;
    return guest_kind::kvm;
}

std::string render_domain_xml(const domain_spec& s) {
    std::string x = fmt::format("<domain type='{}'>\n", domain_type(s.kind));
    x += fmt::format("  <name>kumo-{}</name>\n  <uuid>{}</uuid>\n", xml_escape(s.uuid), xml_escape(s.uuid));
    x += fmt::format("  <title>{}</title>\n", xml_escape(s.title));
    x += fmt::format(
        "  <metadata>\n    <kumo:instance xmlns:kumo='urn:kumo:instance:1'>\n"
        "      <kumo:project>{}</kumo:project>\n    </kumo:instance>\n  </metadata>\n",
        xml_escape(s.project_id));
    x += fmt::format("  <memory unit='MiB'>{}</memory>\n  <vcpu placement='static'>{}</vcpu>\n", s.memory_mb, s.vcpus);
    x += os_section(s);
    if (s.kind != guest_kind::xen_pv && s.kind != guest_kind::test)
        x += "  <features>\n    <acpi/>\n    <apic/>\n  </features>\n";
    x += cpu_section(s);
    x += is_xen(s.kind) ? "  <clock offset='utc' adjustment='reset'/>\n" : "  <clock offset='utc'/>\n";
    x += "  <on_poweroff>destroy</on_poweroff>\n  <on_reboot>restart</on_reboot>\n  <on_crash>destroy</on_crash>\n";
    x += devices_section(s);
    x += "</domain>\n";
    return x;
}

}  // namespace kumo
