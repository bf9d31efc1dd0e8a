#pragma once
// One audit log entry, and the hash chain that makes edits and deletions detectable.
#include <cstdint>
#include <string>

namespace kumo {

struct audit_entry {
    std::int64_t seq = 0;
    std::string time;
    std::string user_id, user_name;
    std::string project_id, domain_id;
    std::string remote;
    std::string request_id;
    std::string method, path;
    std::string action;   // the permission exercised, e.g. "vm:create", or "auth:login"
    std::string target;   // the resource id(s) the request named
    std::string outcome;  // success | failure
    int status = 0;       // HTTP status of the answer
    std::string prev_hash, hash;
};

// HMAC-SHA256 (key kept in the data directory, not in the database) over the previous entry's hash and
// every field, so rewriting one row means rewriting every later one, which needs the key.
std::string audit_hash(const audit_entry& e, const std::string& key);

struct audit_verdict {
    bool intact = true;
    std::int64_t entries = 0;
    std::int64_t first_broken_seq = 0;  // 0 when intact
    std::string reason;
};

}  // namespace kumo
