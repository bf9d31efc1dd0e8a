// `kumo admin-recover`: the way back in when no enabled cloud administrator is left (the API refuses
// to remove the last one, but a database edited by hand, or a domain disabled by a script, can still
// get there). Offline: it takes the data directory's lock, so it cannot run beside the daemon.
#include "daemon.hpp"
#include "data_dir.hpp"
#include "kumo/core/crypto.hpp"
#include "kumo/identity/recovery.hpp"
#include "kumo/store/database.hpp"

#include <fmt/format.h>
#include <unistd.h>
#include <filesystem>

namespace kumo {

int run_admin_recover(const std::string& data_dir, const std::string& user) {
    if (::geteuid() != 0) {
        fmt::print(stderr, "kumo admin-recover: run it as root on the daemon's machine\n");
        return 2;
    }
    const std::string db_path = data_dir + "/kumo.db";
    if (!std::filesystem::exists(db_path)) {
        fmt::print(stderr, "kumo admin-recover: no Kumo database at {} (use --data-dir)\n", db_path);
        return 1;
    }
    auto lock = lock_data_dir(data_dir);
    if (!lock) {
        fmt::print(stderr, "kumo admin-recover: {}; stop the daemon first\n", lock.error().detail);
        return 1;
    }
    auto db = sql::database::open(db_path);
    if (!db) {
        fmt::print(stderr, "kumo admin-recover: {}\n", db.error().detail);
        return 1;
    }
    auto recovered = identity::recover_admin(**db, user);
    if (!recovered) {
        fmt::print(stderr, "kumo admin-recover: {}\n", recovered.error().detail);
        return 1;
    }
    const std::string file = data_dir + "/initial-admin-password";
    const bool saved = static_cast<bool>(crypto::write_secret_file(file, recovered->password + "\n"));
    fmt::print("user {} is an enabled cloud administrator; its sessions are ended\n  new password: {}{}\n", user,
               recovered->password, saved ? " (also in " + file + ")" : "");
    return 0;
}

}  // namespace kumo
