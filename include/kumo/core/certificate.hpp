#pragma once
#include "kumo/core/error.hpp"

#include <string>

namespace kumo {

// Creates a self-signed EC P-256 certificate and key (0600) at the given paths unless both exist.
// Errors: internal with OpenSSL's reason.
result<void> ensure_self_signed_certificate(const std::string& cert_path, const std::string& key_path);

// SHA-256 fingerprint of a PEM certificate, as colon-separated upper-case hex (what browsers show).
result<std::string> certificate_fingerprint(const std::string& cert_path);

}  // namespace kumo
