#pragma once
// Offline recovery of the cloud's administration (`kumo admin-recover`, run as root on the daemon's
// machine while the daemon is stopped): for when no enabled cloud administrator is left to log in.
#include "kumo/core/error.hpp"
#include "kumo/store/database.hpp"

#include <string>

namespace kumo::identity {

struct recovered_admin {
    std::string user_id;
    std::string password;  // new, random; shown once
};

// Makes `user_name` (of the default domain; created when missing) an enabled cloud administrator of an
// enabled domain, with a new random password, and ends its existing sessions. One transaction.
// Errors: internal.
result<recovered_admin> recover_admin(sql::database& db, const std::string& user_name);

}  // namespace kumo::identity
