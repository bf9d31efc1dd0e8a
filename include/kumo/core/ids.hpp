#pragma once
#include <string>
#include <string_view>

namespace kumo {

// A random (version 4) UUID in canonical lower-case form, from OpenSSL's CSPRNG.
std::string new_uuid();

// True for the canonical 36-character form (any case).
bool is_uuid(std::string_view s) noexcept;

// `n` random bytes from OpenSSL's CSPRNG, as lower-case hex (2n characters).
std::string random_hex(std::size_t n);

}  // namespace kumo
