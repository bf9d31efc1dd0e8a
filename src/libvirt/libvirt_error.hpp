#pragma once
// libvirt reports errors in a thread-local; copy it right after the failing call.
#include "kumo/core/error.hpp"

#include <string_view>

namespace kumo::lv {

// Turns the calling thread's last libvirt error into a kumo::error, prefixed by `what`.
error last_error(std::string_view what);

// Installs a handler that keeps libvirt from printing errors to stderr (we log them ourselves).
void install_quiet_error_handler();

}  // namespace kumo::lv
