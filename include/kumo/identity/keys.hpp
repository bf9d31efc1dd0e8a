#pragma once
// The identity module's secrets in the data directory: the token signing keys and the audit log's HMAC
// key. Read, or made (mode 0600), once at start-up.
#include "kumo/core/error.hpp"

#include <string>

namespace kumo {

// The token signing keys in the data directory: `token-key` (current) and `token-key.previous`.
class token_keys {
public:
    // Reads the keys, creating a random current key (mode 0600) when there is none.
    static result<token_keys> load_or_create(const std::string& data_dir);
    // The previous key is dropped (its tokens die), the current one becomes previous, a new one is made.
    result<void> rotate();
    const std::string& current() const { return current_; }
    const std::string& previous() const { return previous_; }

private:
    std::string dir_, current_, previous_;
};

// Reads the audit HMAC key from data_dir/audit-key, creating it (mode 0600) when absent.
result<std::string> load_or_create_audit_key(const std::string& data_dir);

}  // namespace kumo
