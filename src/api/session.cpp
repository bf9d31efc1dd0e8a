#include "session.hpp"

#include "kumo/core/ids.hpp"
#include "kumo/core/log.hpp"
#include "kumo/core/text.hpp"

#include <array>
#include <boost/asio/as_tuple.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <chrono>

namespace kumo::api {
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using boost::asio::as_tuple;
using boost::asio::use_awaitable;

namespace {

using http_request = http::request<http::string_body>;

std::string percent_decode(std::string_view s) {
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '+') {
            out.push_back(' ');
        } else if (s[i] == '%' && i + 2 < s.size() && std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
                   std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
            out.push_back(static_cast<char>(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16)));
            i += 2;
        } else {
            out.push_back(s[i]);
        }
    }
    return out;
}

void split_target(std::string_view target, std::string& path, std::map<std::string, std::string>& query) {
    auto q = target.find('?');
    path = std::string(target.substr(0, q));
    if (q == std::string_view::npos)
        return;
    std::string_view rest = target.substr(q + 1);
    while (!rest.empty()) {
        auto amp = rest.find('&');
        std::string_view pair = rest.substr(0, amp);
        auto eq = pair.find('=');
        query[percent_decode(pair.substr(0, eq))] =
            eq == std::string_view::npos ? "" : percent_decode(pair.substr(eq + 1));
        if (amp == std::string_view::npos)
            break;
        rest = rest.substr(amp + 1);
    }
}

std::string request_id_of(const http_request& req) {
    auto it = req.find("X-Request-Id");
    if (it != req.end()) {
        std::string given(it->value());
        if (!given.empty() && given.size() <= 128 && is_printable_utf8(given))
            return given;
    }
    return new_uuid();
}

std::string bearer_of(const http_request& req, const std::map<std::string, std::string>& query) {
    auto it = req.find(http::field::authorization);
    if (it != req.end()) {
        std::string_view v = it->value();
        if (v.substr(0, 7) == "Bearer ")
            return std::string(v.substr(7));
        return "!";  // present but not a bearer token: fails validation
    }
    // Browsers cannot set headers on a WebSocket upgrade.
    if (websocket::is_upgrade(req))
        if (auto q = query.find("access_token"); q != query.end())
            return q->second;
    return {};
}

http::response<http::string_body> to_http(const response& r, const http_request& req, const std::string& request_id) {
    http::response<http::string_body> res{r.status, req.version()};
    res.set(http::field::server, "kumo");
    res.set("X-Request-Id", request_id);
    res.set("X-Content-Type-Options", "nosniff");
    res.set(http::field::cache_control, "no-store");
    for (const auto& [k, v] : r.headers)
        res.set(k, v);
    if (r.raw) {
        res.body() = *r.raw;
        if (!r.raw->empty())
            res.set(http::field::content_type, r.content_type);
    } else {
        res.set(http::field::content_type, r.content_type);
        res.body() = r.body.dump();
    }
    res.keep_alive(req.keep_alive());
    res.prepare_payload();
    return res;
}

// API paths go to the route table; anything else is a file of the web UI.
awaitable<response> handle(const router& routes, api_context& ctx, request_ctx& rc) {
    if (rc.path.rfind("/api/", 0) != 0) {
        if (rc.method != http::verb::get && rc.method != http::verb::head)
            co_return problem(make_error(errc::not_found, "no such resource"), rc.request_id);
        co_return static_file(ctx.web_dir, rc.path);
    }
    auto awaited = co_await routes.dispatch(rc);
    co_return awaited;
}

// Answers 413, then half-closes and drains what the client is still sending (bounded in bytes and
// time), so the client can finish its write and read the answer instead of failing with EPIPE.
template <class Stream>
awaitable<void> refuse_oversized(Stream& stream, beast::tcp_stream& tcp, http_request head) {
    const std::string rid = new_uuid();
    head.keep_alive(false);
    auto res = to_http(problem(make_error(errc::payload_too_large, "the request is too large"), rid), head, rid);
    auto [wec, wn] = co_await http::async_write(stream, res, as_tuple(use_awaitable));
    if (wec)
        co_return;
    boost::system::error_code ignored;
    tcp.socket().shutdown(asio::ip::tcp::socket::shutdown_send, ignored);
    tcp.expires_after(std::chrono::seconds(5));
    std::array<char, 16384> sink;
    for (std::size_t drained = 0; drained < (64u << 20);) {
        auto [rec, n] = co_await stream.async_read_some(asio::buffer(sink), as_tuple(use_awaitable));
        if (rec)
            break;
        drained += n;
    }
}

template <class Stream>
awaitable<void> serve(Stream stream, const router& routes, api_context& ctx, session_set& sessions) {
    auto* tcp = &beast::get_lowest_layer(stream);
    sessions.open.insert(tcp);
    boost::system::error_code ignored;
    const std::string remote = tcp->socket().remote_endpoint(ignored).address().to_string();
    beast::flat_buffer buffer;
    while (!sessions.stopping) {
        http::request_parser<http::string_body> parser;
        parser.body_limit(static_cast<std::uint64_t>(ctx.cfg.max_body_bytes));
        parser.header_limit(16 * 1024);
        tcp->expires_after(std::chrono::seconds(ctx.cfg.request_timeout_s));  // slow clients are cut off
        auto [ec, n] = co_await http::async_read(stream, buffer, parser, as_tuple(use_awaitable));
        if (ec == http::error::body_limit || ec == http::error::header_limit) {
            co_await refuse_oversized(stream, *tcp, parser.get());
            break;
        }
        if (ec)
            break;
        http_request req = parser.release();
        request_ctx rc{req.method(), {}, {}, {}, std::move(req.body()), {}, request_id_of(req), remote, {}, {}, ctx};
        split_target(req.target(), rc.path, rc.query);
        rc.bearer = bearer_of(req, rc.query);
        if (auto ct = req.find(http::field::content_type); ct != req.end())
            rc.content_type = std::string(ct->value());
        if (websocket::is_upgrade(req) && rc.path == "/api/v1/events") {
            auto who = ctx.ids.validate(rc.bearer);
            if (who && !who->allows("event:read"))
                who = make_error(errc::forbidden, "your roles do not grant event:read");
            if (!who) {
                auto res = to_http(problem(who.error(), rc.request_id), req, rc.request_id);
                co_await http::async_write(stream, res, as_tuple(use_awaitable));
                break;
            }
            sessions.open.erase(tcp);
            tcp->expires_never();
            websocket::stream<Stream> ws(std::move(stream));
            tcp = &beast::get_lowest_layer(ws);
            sessions.open.insert(tcp);
            ws.set_option(websocket::stream_base::timeout::suggested(beast::role_type::server));
            auto [aec] = co_await ws.async_accept(req, as_tuple(use_awaitable));
            if (!aec)
                co_await stream_events(ws, ctx, *who);
            sessions.open.erase(tcp);
            co_return;
        }
        const auto started = std::chrono::steady_clock::now();
        response r = co_await handle(routes, ctx, rc);
        auto res = to_http(r, req, rc.request_id);
        const auto ms =
            std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
        // The query string is not logged: it may carry an access token.
        log::debug("http", "{} {} {} {} {}ms {}", remote, std::string(req.method_string()), rc.path,
                   static_cast<int>(r.status), ms.count(), rc.request_id);
        // Writes get their own deadline rather than whatever the read left behind (a long poll may have
        // outlived it).
        tcp->expires_after(std::chrono::seconds(30));
        auto [wec, wn] = co_await http::async_write(stream, res, as_tuple(use_awaitable));
        if (wec || !res.keep_alive())
            break;
    }
    sessions.open.erase(tcp);
    tcp->socket().shutdown(asio::ip::tcp::socket::shutdown_send, ignored);
}

}  // namespace

awaitable<void> run_plain_session(beast::tcp_stream stream, const router& routes, api_context& ctx,
                                  session_set& sessions) {
    co_await serve(std::move(stream), routes, ctx, sessions);
}

awaitable<void> run_tls_session(beast::ssl_stream<beast::tcp_stream> stream, const router& routes, api_context& ctx,
                                session_set& sessions) {
    beast::get_lowest_layer(stream).expires_after(std::chrono::seconds(30));
    auto [ec] = co_await stream.async_handshake(asio::ssl::stream_base::server, as_tuple(use_awaitable));
    if (ec)
        co_return;
    co_await serve(std::move(stream), routes, ctx, sessions);
}

}  // namespace kumo::api
