#pragma once
// A blocking HTTP(S) client for the Kumo API, used by the CLI and the integration tests.
// HTTPS servers are trusted by pinned SHA-256 certificate fingerprint (Kumo's certificate is self-signed).
#include "kumo/core/error.hpp"
#include "kumo/core/json.hpp"

#include <optional>
#include <string>

namespace kumo::cli {

struct reply {
    int status = 0;
    json body;  // parsed JSON, or null for an empty body
    std::string location;
    std::string request_id;  // X-Request-Id of the reply
    std::string content_type;
    std::string retry_after;  // Retry-After of a 429
};

class api_client {
public:
    // url: "https://127.0.0.1:8443" (a trailing slash is fine). fingerprint: "AA:BB:..." as printed by serve.
    api_client(std::string url, std::string fingerprint, std::string token = {});
    void set_token(std::string token) { token_ = std::move(token); }
    // Sent as X-Request-Id on every request when set (the server echoes it).
    void set_request_id(std::string id) { request_id_ = std::move(id); }

    // Sends one request. Errors: host_unreachable (connection, TLS or pin failure) with the reason.
    // HTTP error statuses are not errors here: see reply.status and the problem body.
    result<reply> send(const std::string& method, const std::string& path, const std::optional<json>& body = {},
                       const std::string& raw_body = {}, const std::string& content_type = "application/json") const;

    // The SHA-256 fingerprint the server presents (for login's first contact).
    result<std::string> server_fingerprint() const;

private:
    std::string scheme_, host_, port_, fingerprint_, token_, request_id_;
};

// "code: detail (field: message, ...)" from a problem+json reply.
std::string describe_problem(const reply& r);

}  // namespace kumo::cli
