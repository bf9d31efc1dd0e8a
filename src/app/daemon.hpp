#pragma once
#include "kumo/core/config.hpp"

#include <boost/beast/http/verb.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace kumo {

struct route_info {
    boost::beast::http::verb method;
    std::string pattern;
    std::string_view permission;
};
// Every route the daemon serves, with the permission it enforces: the modules built as the daemon builds
// them, on an in-memory database, nothing started (the OpenAPI and authorization tests compare them with
// the document and the policy table).
std::vector<route_info> describe_routes();

// Runs the daemon until SIGTERM/SIGINT; returns the process exit code.
int run_daemon(const config& cfg);

// `kumo admin-recover`: with the daemon stopped, makes `user` an enabled cloud administrator with a
// new password (printed, and written to <data_dir>/initial-admin-password). Root only. Returns the
// process exit code.
int run_admin_recover(const std::string& data_dir, const std::string& user);

}  // namespace kumo
