#pragma once
// The daemon's data directory: made (mode 0700) only once the listen address is known to work, and
// held with an exclusive lock for the process's life, so a second `kumo serve` (or `kumo
// admin-recover`) on the same directory refuses to start instead of writing beside the first.
#include "kumo/core/config.hpp"
#include "kumo/core/error.hpp"

#include <string>

namespace kumo {

class data_dir_lock {
public:
    data_dir_lock() = default;
    explicit data_dir_lock(int fd) : fd_(fd) {}
    data_dir_lock(data_dir_lock&& o) noexcept : fd_(o.fd_) { o.fd_ = -1; }
    data_dir_lock& operator=(data_dir_lock&&) = delete;
    data_dir_lock(const data_dir_lock&) = delete;
    ~data_dir_lock();

private:
    int fd_ = -1;
};

// Binds the listen address once and lets it go: fails (naming the address) before anything is made.
// Errors: validation_failed (listen), conflict.
result<void> probe_listen(const std::string& listen);

// Makes the directory if missing, then takes `<dir>/kumo.lock` (flock, non-blocking) and writes this
// process's pid into it. Errors: conflict (another process holds it: its pid named), internal.
result<data_dir_lock> lock_data_dir(const std::string& dir);

}  // namespace kumo
