#include "kumo/core/ids.hpp"

#include <openssl/rand.h>
#include <array>
#include <stdexcept>

namespace kumo {
namespace {

void fill_random(unsigned char* p, std::size_t n) {
    if (RAND_bytes(p, static_cast<int>(n)) != 1)
        throw std::runtime_error("OpenSSL RAND_bytes failed");
}

constexpr char hex_digits[] = "0123456789abcdef";

}  // namespace

std::string new_uuid() {
    std::array<unsigned char, 16> b{};
    fill_random(b.data(), b.size());
    b[6] = static_cast<unsigned char>((b[6] & 0x0f) | 0x40);  // version 4
    b[8] = static_cast<unsigned char>((b[8] & 0x3f) | 0x80);  // RFC 4122 variant
    std::string out;
    out.reserve(36);
    for (std::size_t i = 0; i < b.size(); ++i) {
        if (i == 4 || i == 6 || i == 8 || i == 10)
            out.push_back('-');
        out.push_back(hex_digits[b[i] >> 4]);
        out.push_back(hex_digits[b[i] & 0x0f]);
    }
    return out;
}

bool is_uuid(std::string_view s) noexcept {
    if (s.size() != 36)
        return false;
    for (std::size_t i = 0; i < s.size(); ++i) {
        const char c = s[i];
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (c != '-')
                return false;
        } else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) {
            return false;
        }
    }
    return true;
}

std::string random_hex(std::size_t n) {
    std::string raw(n, '\0');
    fill_random(reinterpret_cast<unsigned char*>(raw.data()), n);
    std::string out;
    out.reserve(2 * n);
    for (unsigned char c : raw) {
        out.push_back(hex_digits[c >> 4]);
        out.push_back(hex_digits[c & 0x0f]);
    }
    return out;
}

}  // namespace kumo
