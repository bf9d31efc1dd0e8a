#pragma once
#include "kumo/hypervisor/hypervisor.hpp"

namespace kumo {

// The libvirt adapter. Creating it registers libvirt's default event loop and starts the one thread
// that runs it (needed for keepalive, close callbacks and domain events); destroying it stops the thread.
// Create at most one per process, before any connection.
std::unique_ptr<hypervisor_driver> make_libvirt_driver();

}  // namespace kumo
