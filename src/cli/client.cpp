#include "kumo/cli/client.hpp"

#include <fmt/format.h>
#include <openssl/x509.h>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

namespace kumo::cli {
namespace beast = boost::beast;
namespace http = beast::http;
namespace asio = boost::asio;
using tcp = asio::ip::tcp;

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

std::string normalize(std::string fp) {
    std::string out;
    for (char c : fp)
        if (std::isxdigit(static_cast<unsigned char>(c)))
            out.push_back(static_cast<char>(std::toupper(c)));
    return out;
}

template <class Stream>
result<reply> exchange(Stream& stream, http::request<http::string_body>& req) {
    beast::error_code ec;
    http::write(stream, req, ec);
    if (ec)
        return make_error(errc::host_unreachable, "sending the request: " + ec.message());
    beast::flat_buffer buf;
    http::response_parser<http::string_body> parser;
    parser.body_limit(64 << 20);
    http::read(stream, buf, parser, ec);
    if (ec)
        return make_error(errc::host_unreachable, "reading the reply: " + ec.message());
    auto& res = parser.get();
    reply r;
    r.status = res.result_int();
    if (auto it = res.find(http::field::location); it != res.end())
        r.location = std::string(it->value());
    if (auto it = res.find("X-Request-Id"); it != res.end())
        r.request_id = std::string(it->value());
    if (auto it = res.find(http::field::retry_after); it != res.end())
        r.retry_after = std::string(it->value());
    if (auto it = res.find(http::field::content_type); it != res.end())
        r.content_type = std::string(it->value());
    if (!res.body().empty())
        r.body = json::parse(res.body(), nullptr, false);
    if (r.body.is_discarded())
        r.body = json{{"raw", res.body()}};
    return r;
}

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

// Connects and completes the TLS handshake; returns the SHA-256 fingerprint of the server's certificate.
// The certificate is self-signed, so the caller decides trust by comparing that fingerprint with a pin.
result<std::string> open_tls(beast::ssl_stream<beast::tcp_stream>& stream, const tcp::resolver::results_type& at,
                             const std::string& where) {
    beast::error_code ec;
    beast::get_lowest_layer(stream).connect(at, ec);
    if (ec)
        return make_error(errc::host_unreachable, fmt::format("cannot connect to {}: {}", where, ec.message()));
    stream.handshake(asio::ssl::stream_base::client, ec);
    if (ec)
        return make_error(errc::host_unreachable, "TLS handshake failed: " + ec.message());
    X509* cert = SSL_get1_peer_certificate(stream.native_handle());
    if (!cert)
        return make_error(errc::host_unreachable, "the server sent no certificate");
    std::string fp = fingerprint_of(cert);
    X509_free(cert);
    return fp;
}

}  // namespace

api_client::api_client(std::string url, std::string fingerprint, std::string token)
    : fingerprint_(normalize(std::move(fingerprint))), token_(std::move(token)) {
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
    asio::io_context io;
    KUMO_TRY(auto endpoints, resolve(io, host_, port_));

    http::request<http::string_body> req{http::string_to_verb(method), path, 11};
    req.set(http::field::host, host_);
    req.set(http::field::user_agent, "kumo-cli");
    req.set(http::field::accept, "application/json");
    if (!token_.empty())
        req.set(http::field::authorization, "Bearer " + token_);
    if (!request_id_.empty())
        req.set("X-Request-Id", request_id_);
    if (body || !raw_body.empty()) {
        req.set(http::field::content_type, content_type);
        req.body() = body ? body->dump() : raw_body;
    }
    req.keep_alive(false);
    req.prepare_payload();

    if (scheme_ == "http") {
        beast::tcp_stream stream(io);
        beast::error_code ec;
        stream.connect(endpoints, ec);
        if (ec)
            return make_error(errc::host_unreachable,
                              fmt::format("cannot connect to {}:{}: {}", host_, port_, ec.message()));
        return exchange(stream, req);
    }
    asio::ssl::context ctx(asio::ssl::context::tls_client);
    ctx.set_verify_mode(asio::ssl::verify_none);  // trust comes from the pinned fingerprint below
    beast::ssl_stream<beast::tcp_stream> stream(io, ctx);
    KUMO_TRY(auto seen, open_tls(stream, endpoints, host_ + ":" + port_));
    if (normalize(seen) != fingerprint_)
        return make_error(errc::host_unreachable,
                          fmt::format("the server's certificate fingerprint {} is not the pinned one", seen));
    return exchange(stream, req);
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
    std::string out = fmt::format("{}: {}", r.body.value("code", std::to_string(r.status)), r.body.value("detail", ""));
    return out;
}

}  // namespace kumo::cli
