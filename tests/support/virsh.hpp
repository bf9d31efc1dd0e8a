#pragma once
// What libvirt itself says, for comparing with the API. Arguments are fixed strings and UUIDs only.
#include <set>
#include <string>

namespace kumo::test {

// `virsh domstate kumo-<id>`: "running", "shut off", "paused", or "" when libvirt says the domain does
// not exist. Both throw std::runtime_error when virsh itself fails (no libvirtd, no permission).
std::string virsh_domstate(const std::string& vm_id);
// `virsh dumpxml kumo-<id>`: the live domain XML.
std::string virsh_dumpxml(const std::string& vm_id);
// Names of all domains named kumo-* on qemu:///system.
std::set<std::string> virsh_kumo_domains();

}  // namespace kumo::test
