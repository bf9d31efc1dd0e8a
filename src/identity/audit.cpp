#include "kumo/identity/audit.hpp"

#include "kumo/core/crypto.hpp"

#include <fmt/format.h>

namespace kumo {

std::string audit_hash(const audit_entry& e, const std::string& key) {
    // Unit separators cannot appear unescaped in any field that could shift text between fields,
    // because every field is length-prefixed.
    std::string data;
    auto add = [&data](std::string_view field) { data += fmt::format("{}:{}\x1f", field.size(), field); };
    add(std::to_string(e.seq));
    add(e.prev_hash);
    for (const std::string* f : {&e.time, &e.user_id, &e.user_name, &e.project_id, &e.domain_id, &e.remote,
                                 &e.request_id, &e.method, &e.path, &e.action, &e.target, &e.outcome})
        add(*f);
    add(std::to_string(e.status));
    return crypto::to_hex(crypto::hmac_sha256(key, data));
}

}  // namespace kumo
