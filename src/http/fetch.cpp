#include "kumo/http/fetch.hpp"

#include "http_body_source.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

namespace kumo {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
using asio::as_tuple;
using asio::use_awaitable;

// One request and the head of its answer on an open stream; a 200's body goes to `take`.
template <class Stream>
awaitable<result<fetch_answer>> exchange(Stream& s, beast::tcp_stream& tcp, const fetch_target& t,
                                         const body_taker& take, std::chrono::seconds idle,
                                         std::chrono::steady_clock::time_point deadline) {
    http::request<http::empty_body> req{http::verb::get, t.target, 11};
    const bool default_port = t.port == (t.scheme == "https" ? "443" : "80");
    const std::string host = t.host.find(':') != std::string::npos ? "[" + t.host + "]" : t.host;
    req.set(http::field::host, default_port ? host : host + ":" + t.port);
    req.set(http::field::user_agent, "kumo-image-import");
    tcp.expires_after(idle);
    auto [wec, wn] = co_await http::async_write(s, req, as_tuple(use_awaitable));
    if (wec)
        co_return make_error(errc::host_unreachable, "cannot send the request: " + wec.message());
    beast::flat_buffer buffer;
    http::response_parser<http::buffer_body> parser;
    parser.body_limit(boost::none);  // the reader enforces its own limits
    auto [rec, rn] = co_await http::async_read_header(s, buffer, parser, as_tuple(use_awaitable));
    if (rec)
        co_return make_error(errc::host_unreachable, "no answer: " + rec.message());
    fetch_answer answer{parser.get().result_int(), {}};
    if (auto location = parser.get().find(http::field::location); location != parser.get().end())
        answer.location = std::string(location->value());
    if (answer.status != 200)
        co_return answer;
    http_body_source<Stream, http::response_parser<http::buffer_body>> body(s, buffer, parser, tcp, idle.count(),
                                                                            deadline);
    KUMO_CO_TRY_VOID(co_await take(body));
    co_return answer;
}

}  // namespace

awaitable<result<fetch_answer>> fetch_once(fetch_target t, body_taker take, std::chrono::seconds idle,
                                           std::chrono::steady_clock::time_point deadline) {
    beast::tcp_stream tcp(co_await asio::this_coro::executor);
    tcp.expires_after(idle);
    boost::system::error_code parse_ec;
    const auto ip = asio::ip::make_address(t.address, parse_ec);
    const asio::ip::tcp::endpoint to(ip, static_cast<unsigned short>(std::stoi(t.port)));
    auto [cec] = co_await tcp.async_connect(to, as_tuple(use_awaitable));
    if (parse_ec || cec)
        co_return make_error(errc::host_unreachable, "cannot connect to " + t.host + ": " + cec.message());
    if (t.scheme != "https") {
        auto answered = co_await exchange(tcp, tcp, t, take, idle, deadline);
        co_return answered;
    }
    asio::ssl::context tls(asio::ssl::context::tls_client);
    tls.set_default_verify_paths();
    tls.set_verify_mode(asio::ssl::verify_peer);
    beast::ssl_stream<beast::tcp_stream> s(std::move(tcp), tls);
    SSL_set_tlsext_host_name(s.native_handle(), t.host.c_str());
    s.set_verify_callback(asio::ssl::host_name_verification(t.host));
    auto [hec] = co_await s.async_handshake(asio::ssl::stream_base::client, as_tuple(use_awaitable));
    if (hec)
        co_return make_error(errc::host_unreachable, "TLS with " + t.host + " failed: " + hec.message());
    auto answered = co_await exchange(s, beast::get_lowest_layer(s), t, take, idle, deadline);
    co_return answered;
}

}  // namespace kumo
