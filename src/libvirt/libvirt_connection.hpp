#pragma once
#include "kumo/hypervisor/hypervisor.hpp"

namespace kumo::lv {

// Opens a libvirt connection with keepalive, a close callback and a lifecycle-event callback.
// Errors: host_unreachable with libvirt's message.
result<std::unique_ptr<hypervisor_connection>> open_connection(const std::string& uri, connection_callbacks callbacks);

}  // namespace kumo::lv
