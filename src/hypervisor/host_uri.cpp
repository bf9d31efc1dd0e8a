#include "kumo/core/text.hpp"
#include "kumo/hypervisor/hypervisor.hpp"
#include "kumo/ssh/ssh.hpp"

namespace kumo {
namespace {

bool starts_with(std::string_view s, std::string_view p) {
    return s.substr(0, p.size()) == p;
}
bool ends_with(std::string_view s, std::string_view p) {
    return s.size() >= p.size() && s.substr(s.size() - p.size()) == p;
}

}  // namespace

result<void> check_host_uri(const std::string& uri, const std::string& field) {
    if (uri.empty() || uri.size() > 1024 || !is_printable_utf8(uri) || uri.find(' ') != std::string::npos)
        return validation_error(field, "must be a libvirt URI without spaces or control characters");
    if (uri == "qemu:///system" || uri == "xen:///system")
        return {};
    if (starts_with(uri, "test:///")) {
        const std::string path = uri.substr(7);
        if (path == "/default")
            return validation_error(field, "test:///default is shared process-wide; use a file");
        if (!ends_with(path, ".xml") || path.find("..") != std::string::npos || path.find('?') != std::string::npos)
            return validation_error(field, "test URIs must be test:///<absolute path>.xml");
        return {};
    }
    if (is_ssh_uri(uri)) {
        KUMO_TRY_VOID(parse_ssh_uri(uri, field));
        return {};
    }
    return validation_error(field,
                            "unsupported URI scheme: use qemu:///system, qemu+ssh://[user@]host[:port]/system, "
                            "xen+ssh://..., or test:///<absolute path>.xml");
}

std::string virt_type_for(const std::string& uri, const std::string& configured, const host_inventory& inv) {
    if (starts_with(uri, "test:"))
        return "test";
    if (starts_with(uri, "xen"))
        return "xen";
    if (configured == "kvm" || configured == "qemu")
        return configured;
    return inv.kvm ? "kvm" : "qemu";
}

}  // namespace kumo
