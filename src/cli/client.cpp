#include "kumo/cli/client.hpp"

#include "transport.hpp"

#include <fmt/format.h>
#include <openssl/x509.h>
#include <fstream>

namespace kumo::cli {
namespace transport {
namespace {

std::string fingerprint_of(X509* cert) {
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned len = 0;
    X509_digest(cert, EVP_sha256(), md, &len);
    std::string out;
    for (unsigned i = 0; i < len; ++i)
        out += fmt::format("{}{:02X}", i ? ":" : "", md[i]);
    return out;
}

}  // namespace

result<tcp::resolver::results_type> resolve(asio::io_context& io, const std::string& host, const std::string& port) {
    tcp::resolver resolver(io);
    beast::error_code ec;
    auto found = resolver.resolve(host, port, tcp::resolver::numeric_host | tcp::resolver::numeric_service, ec);
    if (ec)
        found = resolver.resolve(host, port, ec);
    if (ec)
        return make_error(errc::host_unreachable, fmt::format("cannot resolve {}: {}", host, ec.message()));
    return found;
}

// The certificate is self-signed, so the caller decides trust by comparing the fingerprint with a pin.
result<std::string> open_tls(beast::ssl_stream<beast::tcp_stream>& stream, const tcp::resolver::results_type& at,
                             const std::string& where) {
    beast::error_code ec;
    beast::get_lowest_layer(stream).connect(at, ec);
    if (ec)
        return make_error(errc::host_unreachable, fmt::format("cannot connect to {}: {}", where, ec.message()));
    beast::get_lowest_layer(stream).expires_after(std::chrono::seconds(30));
    stream.handshake(asio::ssl::stream_base::client, ec);
    beast::get_lowest_layer(stream).expires_never();
    if (ec)  // "wrong version number" is a plain-HTTP server answering a TLS hello
        return make_error(errc::host_unreachable,
                          fmt::format("TLS handshake with {} failed ({}): the server does not speak HTTPS there; "
                                      "check the URL's scheme (http:// for a daemon started with --no-tls)",
                                      where, ec.message()));
    X509* cert = SSL_get1_peer_certificate(stream.native_handle());
    if (!cert)
        return make_error(errc::host_unreachable, "the server sent no certificate");
    std::string fp = fingerprint_of(cert);
    X509_free(cert);
    return fp;
}

result<void> check_pin(const std::string& seen, const std::string& pinned) {
    auto a = normalize_fingerprint(seen);
    if (a && *a == pinned)
        return {};
    return make_error(errc::host_unreachable,
                      fmt::format("the server's certificate fingerprint {} is not the pinned one", seen));
}

error plain_read_error(const std::string& where, const beast::error_code& ec) {
    return make_error(errc::host_unreachable,
                      fmt::format("reading the reply from {} failed ({}): the server speaks HTTPS there (Kumo "
                                  "does unless started with --no-tls); use an https:// URL",
                                  where, ec.message()));
}

}  // namespace transport

namespace {
using namespace transport;

// A pin as given; one that does not parse stays as it is and simply never matches.
std::string pin_of(const std::string& fp) {
    auto n = normalize_fingerprint(fp);
    return n ? *n : fp;
}

template <class Req>
void set_headers(Req& req, const api_client& c) {
    req.set(http::field::host, c.host());
    req.set(http::field::user_agent, "kumo-cli");
    req.set(http::field::accept, "application/json");
    if (!c.token().empty())
        req.set(http::field::authorization, "Bearer " + c.token());
    if (!c.request_id().empty())
        req.set("X-Request-Id", c.request_id());
    req.keep_alive(false);
}

}  // namespace

api_client::api_client(std::string url, std::string fingerprint, std::string token)
    : fingerprint_(pin_of(fingerprint)), token_(std::move(token)) {
    auto sep = url.find("://");
    scheme_ = sep == std::string::npos ? "https" : url.substr(0, sep);
    std::string rest = sep == std::string::npos ? url : url.substr(sep + 3);
    rest = rest.substr(0, rest.find('/'));
    auto colon = rest.rfind(':');
    if (!rest.empty() && rest[0] == '[') {
        auto close = rest.find(']');
        host_ = rest.substr(1, close - 1);
        port_ = close + 1 < rest.size() ? rest.substr(close + 2) : "";
    } else if (colon != std::string::npos) {
        host_ = rest.substr(0, colon);
        port_ = rest.substr(colon + 1);
    } else {
        host_ = rest;
    }
    if (port_.empty())
        port_ = scheme_ == "https" ? "443" : "80";
}

result<reply> api_client::send(const std::string& method, const std::string& path, const std::optional<json>& body,
                               const std::string& raw_body, const std::string& content_type) const {
    http::request<http::string_body> req{http::string_to_verb(method), path, 11};
    set_headers(req, *this);
    if (body || !raw_body.empty()) {
        req.set(http::field::content_type, content_type);
        req.body() = body ? body->dump() : raw_body;
    }
    req.prepare_payload();
    const std::string where = host_ + ":" + port_;
    return with_connection(*this, [&](auto& stream, bool plain) -> result<reply> {
        beast::error_code ec;
        http::write(stream, req, ec);
        if (ec)
            return plain ? plain_read_error(where, ec)
                         : make_error(errc::host_unreachable, "sending the request: " + ec.message());
        return read_reply(stream, plain, where);
    });
}

result<std::string> api_client::server_fingerprint() const {
    asio::io_context io;
    KUMO_TRY(auto endpoints, resolve(io, host_, port_));
    asio::ssl::context ctx(asio::ssl::context::tls_client);
    ctx.set_verify_mode(asio::ssl::verify_none);  // we only read the certificate, nothing is sent
    beast::ssl_stream<beast::tcp_stream> stream(io, ctx);
    return open_tls(stream, endpoints, host_ + ":" + port_);
}

std::string describe_problem(const reply& r) {
    if (!r.body.is_object())
        return fmt::format("HTTP {}", r.status);
    if (r.body.contains("raw") && !r.body.contains("code"))
        return fmt::format("HTTP {}: {}", r.status, r.body["raw"].get<std::string>());
    std::string out = fmt::format("{}: {}", r.body.value("code", std::to_string(r.status)), r.body.value("detail", ""));
    // errors[] carries the numbers a person needs ("limit 1000, in use 5, requested 5000").
    if (r.body.contains("errors") && r.body["errors"].is_array())
        for (const auto& e : r.body["errors"])
            out += fmt::format("\n  {}: {}", e.value("field", "-"), e.value("message", ""));
    return out;
}

}  // namespace kumo::cli
