#pragma once
// Whether a guest really runs with KVM acceleration. A domain of type 'qemu' (TCG emulation) boots and
// answers exactly like a KVM one, so a test that claims KVM must ask the QEMU process itself.
#include <string>

namespace kumo::test {

// Why the running domain `uuid` is not a KVM guest, or "" when it is: `domain_xml` (when given) must be
// <domain type='kvm'>, and the domain's QEMU process (found by its -uuid in /proc, whichever namespace
// libvirt started it in, so lab hosts' guests too) must run with accel=kvm or -enable-kvm.
std::string not_kvm_because(const std::string& uuid, const std::string& domain_xml = {});

}  // namespace kumo::test
