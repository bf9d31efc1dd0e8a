#pragma once
// A blocking HTTP(S) client for the Kumo API, used by the CLI and the integration tests.
// HTTPS servers are trusted by pinned SHA-256 certificate fingerprint (Kumo's certificate is self-signed).
#include "kumo/core/error.hpp"
#include "kumo/core/json.hpp"

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace kumo::cli {

struct reply {
    int status = 0;
    json body;  // parsed JSON, or {"raw": text} for another body, or null for an empty one
    std::string location;
    std::string request_id;  // X-Request-Id of the reply
    std::string content_type;
    std::string retry_after;  // Retry-After of a 429
};

// A SHA-256 fingerprint as people paste it: `SHA256 7F:07:..` (what `kumo serve` prints),
// `SHA256:7F:07..`, `sha256 Fingerprint=7F:..` (openssl), `SHA256:<base64>` (ssh-keygen), bare hex,
// any case. Returns "7F:07:..." (upper case, colons); an error says what is wrong.
result<std::string> normalize_fingerprint(std::string_view text);

// Upload progress: bytes sent so far of the total.
using progress_fn = std::function<void(std::uint64_t sent, std::uint64_t total)>;

class api_client {
public:
    // url: "https://127.0.0.1:8443" (a trailing slash is fine). fingerprint: any form normalize_fingerprint takes.
    api_client(std::string url, std::string fingerprint, std::string token = {});
    void set_token(std::string token) { token_ = std::move(token); }
    // Sent as X-Request-Id on every request when set (the server echoes it).
    void set_request_id(std::string id) { request_id_ = std::move(id); }

    // Sends one request. Errors: host_unreachable (connection, TLS or pin failure) with the reason.
    // HTTP error statuses are not errors here: see reply.status and the problem body.
    result<reply> send(const std::string& method, const std::string& path, const std::optional<json>& body = {},
                       const std::string& raw_body = {}, const std::string& content_type = "application/json") const;
    // Streams a file as the request body (the file is never read into memory whole).
    result<reply> send_file(const std::string& method, const std::string& path, const std::string& file,
                            const progress_fn& progress = {}) const;
    // GET into a file: a 2xx body is written to `file`; another status's body is in the reply.
    result<reply> download(const std::string& path, const std::string& file) const;
    // Follows the event WebSocket (/api/v1/events), calling `on_event` per event; ends after `count`
    // events or `timeout_s` seconds (0: no limit), or when the server closes.
    result<void> watch_events(const std::function<void(const json&)>& on_event, std::int64_t count,
                              std::int64_t timeout_s) const;

    // The SHA-256 fingerprint the server presents (for login's first contact).
    result<std::string> server_fingerprint() const;

    const std::string& scheme() const { return scheme_; }
    const std::string& host() const { return host_; }
    const std::string& port() const { return port_; }
    const std::string& fingerprint() const { return fingerprint_; }
    const std::string& token() const { return token_; }
    const std::string& request_id() const { return request_id_; }

private:
    std::string scheme_, host_, port_, fingerprint_, token_, request_id_;
};

// "code: detail (field: message, ...)" from a problem+json reply, with every errors[] entry.
std::string describe_problem(const reply& r);

}  // namespace kumo::cli
