#include "kumo/core/crypto.hpp"

#include "kumo/core/ids.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <unistd.h>
#include <charconv>
#include <fstream>
#include <stdexcept>

namespace kumo::crypto {

std::string to_hex(std::string_view raw) {
    std::string out;
    for (unsigned char c : raw)
        out += fmt::format("{:02x}", c);
    return out;
}

namespace {

bool from_hex(std::string_view hex, std::string& out) {
    if (hex.size() % 2)
        return false;
    out.clear();
    for (std::size_t i = 0; i < hex.size(); i += 2) {
        unsigned v = 0;
        auto [p, ec] = std::from_chars(hex.data() + i, hex.data() + i + 2, v, 16);
        if (ec != std::errc() || p != hex.data() + i + 2)
            return false;
        out.push_back(static_cast<char>(v));
    }
    return true;
}

std::string pbkdf2(std::string_view password, std::string_view salt, int iterations) {
    std::string out(32, '\0');
    if (PKCS5_PBKDF2_HMAC(password.data(), static_cast<int>(password.size()),
                          reinterpret_cast<const unsigned char*>(salt.data()), static_cast<int>(salt.size()),
                          iterations, EVP_sha256(), static_cast<int>(out.size()),
                          reinterpret_cast<unsigned char*>(out.data())) != 1)
        throw std::runtime_error("PBKDF2 failed");
    return out;
}

constexpr char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

}  // namespace

std::string hash_password(std::string_view password, int iterations) {
    std::string salt;
    from_hex(random_hex(16), salt);
    return fmt::format("pbkdf2-sha256${}${}${}", iterations, to_hex(salt), to_hex(pbkdf2(password, salt, iterations)));
}

bool verify_password(std::string_view password, std::string_view stored) {
    const std::string_view prefix = "pbkdf2-sha256$";
    if (stored.substr(0, prefix.size()) != prefix)
        return false;
    stored.remove_prefix(prefix.size());
    auto d1 = stored.find('$');
    auto d2 = stored.find('$', d1 + 1);
    if (d1 == std::string_view::npos || d2 == std::string_view::npos)
        return false;
    int iterations = 0;
    auto [p, ec] = std::from_chars(stored.data(), stored.data() + d1, iterations);
    if (ec != std::errc() || iterations < 1 || iterations > 10000000)
        return false;
    std::string salt, expected;
    if (!from_hex(stored.substr(d1 + 1, d2 - d1 - 1), salt) || !from_hex(stored.substr(d2 + 1), expected))
        return false;
    return equal_constant_time(pbkdf2(password, salt, iterations), expected);
}

std::string hmac_sha256(std::string_view key, std::string_view data) {
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned len = 0;
    HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(data.data()),
         data.size(), out, &len);
    return std::string(reinterpret_cast<char*>(out), len);
}

std::string sha256(std::string_view data) {
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned len = 0;
    EVP_Digest(data.data(), data.size(), out, &len, EVP_sha256(), nullptr);
    return std::string(reinterpret_cast<char*>(out), len);
}

std::string sha256_hex(std::string_view data) {
    return to_hex(sha256(data));
}

bool equal_constant_time(std::string_view a, std::string_view b) {
    return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::string base64url_encode(std::string_view raw) {
    std::string out;
    unsigned buf = 0;
    int bits = 0;
    for (unsigned char c : raw) {
        buf = (buf << 8) | c;
        bits += 8;
        while (bits >= 6) {
            bits -= 6;
            out.push_back(alphabet[(buf >> bits) & 0x3f]);
        }
    }
    if (bits > 0)
        out.push_back(alphabet[(buf << (6 - bits)) & 0x3f]);
    return out;
}

bool base64url_decode(std::string_view text, std::string& out) {
    out.clear();
    unsigned buf = 0;
    int bits = 0;
    for (char c : text) {
        const char* pos = std::char_traits<char>::find(alphabet, 64, c);
        if (!pos)
            return false;
        buf = (buf << 6) | static_cast<unsigned>(pos - alphabet);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out.push_back(static_cast<char>((buf >> bits) & 0xff));
        }
    }
    return true;
}

result<void> write_secret_file(const std::string& path, std::string_view content) {
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd < 0 || ::write(fd, content.data(), content.size()) != static_cast<ssize_t>(content.size())) {
        if (fd >= 0)
            ::close(fd);
        return make_error(errc::internal, "cannot write " + path);
    }
    ::fsync(fd);
    ::close(fd);
    return {};
}

result<std::string> load_or_create_secret(const std::string& path) {
    if (std::ifstream in(path, std::ios::binary); in)
        return std::string((std::istreambuf_iterator<char>(in)), {});
    const std::string key = random_hex(32);
    KUMO_TRY_VOID(write_secret_file(path, key));
    return key;
}

stream_digest::stream_digest(std::string_view algorithm) : ctx_(EVP_MD_CTX_new()) {
    const EVP_MD* md = algorithm == "sha256" ? EVP_sha256() : algorithm == "md5" ? EVP_md5() : nullptr;
    if (!md || !ctx_ || EVP_DigestInit_ex(static_cast<EVP_MD_CTX*>(ctx_), md, nullptr) != 1) {
        EVP_MD_CTX_free(static_cast<EVP_MD_CTX*>(ctx_));
        throw std::invalid_argument("unsupported digest: " + std::string(algorithm));
    }
}

stream_digest::~stream_digest() {
    EVP_MD_CTX_free(static_cast<EVP_MD_CTX*>(ctx_));
}

void stream_digest::update(const void* data, std::size_t n) {
    EVP_DigestUpdate(static_cast<EVP_MD_CTX*>(ctx_), data, n);
}

std::string stream_digest::hex() {
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    EVP_DigestFinal_ex(static_cast<EVP_MD_CTX*>(ctx_), out, &len);
    return to_hex(std::string_view(reinterpret_cast<const char*>(out), len));
}

}  // namespace kumo::crypto
