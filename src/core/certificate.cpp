#include "kumo/core/certificate.hpp"

#include <fmt/format.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cstdio>
#include <memory>

namespace kumo {
namespace {

template <class T, void (*F)(T*)>
struct deleter {
    void operator()(T* p) const { F(p); }
};
using pkey_ptr = std::unique_ptr<EVP_PKEY, deleter<EVP_PKEY, EVP_PKEY_free>>;
using x509_ptr = std::unique_ptr<X509, deleter<X509, X509_free>>;

error ssl_error(const char* what) {
    char buf[256];
    ERR_error_string_n(ERR_get_error(), buf, sizeof buf);
    return make_error(errc::internal, fmt::format("{}: {}", what, buf));
}

bool add_extension(X509* cert, int nid, const char* value) {
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
    X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
    if (!ext)
        return false;
    const bool ok = X509_add_ext(cert, ext, -1) == 1;
    X509_EXTENSION_free(ext);
    return ok;
}

result<void> write_pem(const std::string& path, mode_t mode, auto&& writer) {
    const std::string tmp = path + ".tmp";
    FILE* f = std::fopen(tmp.c_str(), "w");
    if (!f)
        return make_error(errc::internal, "cannot write " + tmp);
    ::fchmod(::fileno(f), mode);
    const bool ok = writer(f);
    std::fflush(f);
    ::fsync(::fileno(f));
    std::fclose(f);
    if (!ok || std::rename(tmp.c_str(), path.c_str()) != 0)
        return make_error(errc::internal, "cannot write " + path);
    return {};
}

}  // namespace

result<void> ensure_self_signed_certificate(const std::string& cert_path, const std::string& key_path) {
    if (::access(cert_path.c_str(), R_OK) == 0 && ::access(key_path.c_str(), R_OK) == 0)
        return {};
    pkey_ptr key(EVP_EC_gen("P-256"));
    if (!key)
        return ssl_error("key generation");
    x509_ptr cert(X509_new());
    X509_set_version(cert.get(), 2);
    unsigned char serial[16];
    std::FILE* r = std::fopen("/dev/urandom", "rb");
    if (!r || std::fread(serial, 1, sizeof serial, r) != sizeof serial) {
        if (r)
            std::fclose(r);
        return make_error(errc::internal, "cannot read /dev/urandom");
    }
    std::fclose(r);
    serial[0] &= 0x7f;
    BIGNUM* bn = BN_bin2bn(serial, sizeof serial, nullptr);
    BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(cert.get()));
    BN_free(bn);
    X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
    X509_gmtime_adj(X509_getm_notAfter(cert.get()), 10L * 365 * 24 * 3600);
    X509_set_pubkey(cert.get(), key.get());
    char hostname[256] = "localhost";
    ::gethostname(hostname, sizeof hostname - 1);
    X509_NAME* name = X509_get_subject_name(cert.get());
    X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("Kumo"), -1, -1, 0);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>(hostname), -1, -1, 0);
    X509_set_issuer_name(cert.get(), name);
    const std::string san = fmt::format("DNS:{},DNS:localhost,IP:127.0.0.1,IP:::1", hostname);
    if (!add_extension(cert.get(), NID_subject_alt_name, san.c_str()) ||
        !add_extension(cert.get(), NID_basic_constraints, "critical,CA:FALSE"))
        return ssl_error("certificate extensions");
    if (X509_sign(cert.get(), key.get(), EVP_sha256()) == 0)
        return ssl_error("certificate signing");
    KUMO_TRY_VOID(write_pem(key_path, 0600, [&](FILE* f) {
        return PEM_write_PrivateKey(f, key.get(), nullptr, nullptr, 0, nullptr, nullptr) == 1;
    }));
    return write_pem(cert_path, 0644, [&](FILE* f) { return PEM_write_X509(f, cert.get()) == 1; });
}

result<std::string> certificate_fingerprint(const std::string& cert_path) {
    std::FILE* f = std::fopen(cert_path.c_str(), "r");
    if (!f)
        return make_error(errc::internal, "cannot read " + cert_path);
    x509_ptr cert(PEM_read_X509(f, nullptr, nullptr, nullptr));
    std::fclose(f);
    if (!cert)
        return ssl_error("reading the certificate");
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned len = 0;
    X509_digest(cert.get(), EVP_sha256(), md, &len);
    std::string out;
    for (unsigned i = 0; i < len; ++i)
        out += fmt::format("{}{:02X}", i ? ":" : "", md[i]);
    return out;
}

}  // namespace kumo
