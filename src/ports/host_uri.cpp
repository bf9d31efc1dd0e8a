#include "kumo/core/text.hpp"
#include "kumo/ports/hypervisor.hpp"

#include <sys/stat.h>

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
    if (starts_with(uri, "qemu+ssh://") || starts_with(uri, "xen+ssh://"))
        return validation_error(field, "SSH hosts arrive with the three-node lab; use qemu:///system or test:///");
    return validation_error(field, "unsupported URI scheme: use qemu:///system or test:///<absolute path>.xml");
}

std::string virt_type_for_uri(const std::string& uri, const std::string& local_virt_type) {
    if (starts_with(uri, "test:"))
        return "test";
    if (starts_with(uri, "xen"))
        return "xen";
    if (local_virt_type == "kvm" || local_virt_type == "qemu")
        return local_virt_type;
    struct stat st {};
    return stat("/dev/kvm", &st) == 0 ? "kvm" : "qemu";
}

}  // namespace kumo
