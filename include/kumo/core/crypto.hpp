#pragma once
// Small OpenSSL wrappers. Hashing is CPU-heavy: call it off the core thread.
#include "kumo/core/error.hpp"

#include <string>
#include <string_view>

namespace kumo::crypto {

// "pbkdf2-sha256$<iterations>$<salt hex>$<hash hex>" with a 16-byte random salt.
std::string hash_password(std::string_view password, int iterations = 600000);
// Constant-time comparison against a stored hash; false for malformed hashes.
bool verify_password(std::string_view password, std::string_view stored);

std::string hmac_sha256(std::string_view key, std::string_view data);  // raw 32 bytes
std::string sha256(std::string_view data);                             // raw 32 bytes
std::string sha256_hex(std::string_view data);
std::string to_hex(std::string_view raw);
bool equal_constant_time(std::string_view a, std::string_view b);

// Secret files in the data directory (keys): written mode 0600 and fsynced; read whole, or created
// with 32 random bytes (hex) when absent. Errors: internal naming the path.
result<void> write_secret_file(const std::string& path, std::string_view content);
result<std::string> load_or_create_secret(const std::string& path);

// An incremental digest (sha256 or md5) for data that arrives in pieces.
class stream_digest {
public:
    explicit stream_digest(std::string_view algorithm);  // "sha256" or "md5"; throws std::invalid_argument
    ~stream_digest();
    stream_digest(const stream_digest&) = delete;
    stream_digest& operator=(const stream_digest&) = delete;
    void update(const void* data, std::size_t n);
    std::string hex();  // finishes the digest

private:
    void* ctx_;  // EVP_MD_CTX
};

std::string base64url_encode(std::string_view raw);
// Returns false on characters outside the URL-safe alphabet.
bool base64url_decode(std::string_view text, std::string& out);

}  // namespace kumo::crypto
