#pragma once
// Simulated hosts for trying Kumo without a hypervisor (`kumo serve --simulate N`).
#include "kumo/core/config.hpp"
#include "kumo/store/database.hpp"

#include <string>

namespace kumo {

// Writes the libvirt test-driver node file for simulated host `index` (1-based) and returns its path.
result<std::string> write_simulated_host(const std::string& dir, int index);

// Registers the cfg.simulate simulated hosts that are not yet in the database (synchronous, start-up).
result<void> register_simulated_hosts(sql::database& db, const config& cfg);

}  // namespace kumo
