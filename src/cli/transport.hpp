#pragma once
// The client's connection: resolve, connect, TLS with the pinned certificate, and the errors that say
// which side of http/https is wrong. Shared by requests, uploads and the event WebSocket.
#include "kumo/cli/client.hpp"

#include <fmt/format.h>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

namespace kumo::cli::transport {
namespace beast = boost::beast;
namespace http = beast::http;
namespace asio = boost::asio;
using tcp = asio::ip::tcp;

result<tcp::resolver::results_type> resolve(asio::io_context& io, const std::string& host, const std::string& port);

// Connects and completes the TLS handshake; the SHA-256 fingerprint of the server's certificate.
result<std::string> open_tls(beast::ssl_stream<beast::tcp_stream>& stream, const tcp::resolver::results_type& at,
                             const std::string& where);

// The pin check after open_tls.
result<void> check_pin(const std::string& seen, const std::string& pinned);

// A failed read of a plain-HTTP reply: most often the port speaks HTTPS and dropped the request.
error plain_read_error(const std::string& where, const beast::error_code& ec);

// Reads the reply into a `reply` (JSON or raw body).
template <class Stream>
result<reply> read_reply(Stream& stream, bool plain, const std::string& where) {
    beast::error_code ec;
    beast::flat_buffer buf;
    http::response_parser<http::string_body> parser;
    parser.body_limit(64 << 20);
    http::read(stream, buf, parser, ec);
    if (ec)
        return plain ? plain_read_error(where, ec)
                     : make_error(errc::host_unreachable, "reading the reply: " + ec.message());
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

// Opens the connection the client's URL names and runs fn(stream, plain) on it.
template <class Fn>
result<reply> with_connection(const api_client& c, Fn&& fn) {
    asio::io_context io;
    KUMO_TRY(auto endpoints, resolve(io, c.host(), c.port()));
    const std::string where = c.host() + ":" + c.port();
    if (c.scheme() == "http") {
        beast::tcp_stream stream(io);
        beast::error_code ec;
        stream.connect(endpoints, ec);
        if (ec)
            return make_error(errc::host_unreachable, fmt::format("cannot connect to {}: {}", where, ec.message()));
        return fn(stream, true);
    }
    asio::ssl::context ctx(asio::ssl::context::tls_client);
    ctx.set_verify_mode(asio::ssl::verify_none);  // trust comes from the pinned fingerprint
    beast::ssl_stream<beast::tcp_stream> stream(io, ctx);
    KUMO_TRY(auto seen, open_tls(stream, endpoints, where));
    KUMO_TRY_VOID(check_pin(seen, c.fingerprint()));
    return fn(stream, false);
}

}  // namespace kumo::cli::transport
