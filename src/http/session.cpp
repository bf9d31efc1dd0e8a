#include "session.hpp"

#include "http_body_source.hpp"
#include "kumo/core/ids.hpp"
#include "kumo/core/log.hpp"
#include "kumo/core/text.hpp"

#include <fmt/format.h>
#include <array>
#include <boost/asio/as_tuple.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <cctype>
#include <chrono>

namespace kumo::api {
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using boost::asio::as_tuple;
using boost::asio::use_awaitable;

namespace {

using http_request = http::request<http::string_body>;
using http_header = http::request_header<>;

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

std::string request_id_of(const http_header& req) {
    auto it = req.find("X-Request-Id");
    if (it != req.end()) {
        std::string given(it->value());
        if (!given.empty() && given.size() <= 128 && is_printable_utf8(given))
            return given;
    }
    return new_uuid();
}

std::string bearer_of(const http_header& req, const std::map<std::string, std::string>& query) {
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

template <class Body>
void set_common_headers(http::response<Body>& res, const response& r, const std::string& request_id) {
    res.set(http::field::server, "kumo");
    res.set("X-Request-Id", request_id);
    res.set("X-Content-Type-Options", "nosniff");
    res.set(http::field::cache_control, "no-store");
    for (const auto& [k, v] : r.headers)
        res.set(k, v);
}

http::response<http::string_body> to_http(const response& r, const http_header& req, const std::string& request_id) {
    http::response<http::string_body> res{r.status, req.version()};
    set_common_headers(res, r, request_id);
    if (r.raw) {
        res.body() = *r.raw;
        if (!r.raw->empty())
            res.set(http::field::content_type, r.content_type);
    } else {
        res.set(http::field::content_type, r.content_type);
        res.body() = r.body.dump();
    }
    res.prepare_payload();
    return res;
}

// API paths go to the route table; anything else is a file of the web UI.
awaitable<response> handle(session_env& env, request_ctx& rc) {
    if (rc.path.rfind("/api/", 0) != 0) {
        if (rc.method != http::verb::get && rc.method != http::verb::head)
            co_return problem(make_error(errc::not_found, "no such resource"), rc.request_id);
        co_return static_file(env.settings.web_dir, rc.path);
    }
    auto awaited = co_await env.routes.dispatch(rc);
    co_return awaited;
}

// Writes the answer: a file streamed from disk (downloads) or a string body. False when the connection
// must close (write failed, or the client asked to close).
// Writes a file body piece by piece, each piece with its own deadline: a client that keeps reading may
// take as long as it needs for a large image, one that stops reading for `idle` is cut off.
template <class Stream>
awaitable<bool> write_file(Stream& stream, http::response<http::file_body>& res, std::chrono::seconds idle) {
    http::response_serializer<http::file_body> sr{res};
    while (!sr.is_done()) {
        beast::get_lowest_layer(stream).expires_after(idle);
        auto [ec, n] = co_await http::async_write_some(stream, sr, as_tuple(use_awaitable));
        if (ec)
            co_return false;
    }
    co_return true;
}

template <class Stream>
awaitable<bool> write_response(Stream& stream, const response& r, const http_header& req, const std::string& rid,
                               bool keep_alive, std::chrono::seconds idle) {
    if (r.file) {
        http::response<http::file_body> res{r.status, req.version()};
        set_common_headers(res, r, rid);
        beast::error_code fec;
        res.body().open(r.file->c_str(), beast::file_mode::scan, fec);
        if (!fec) {
            res.set(http::field::content_type, r.content_type);
            res.keep_alive(keep_alive);
            res.prepare_payload();
            const bool written = co_await write_file(stream, res, idle);
            co_return written&& keep_alive;
        }
        // The file went away between the check and now (deleted): say so rather than send nothing.
        auto gone = to_http(problem(make_error(errc::not_found, "the file is gone"), rid), req, rid);
        gone.keep_alive(keep_alive);
        auto [wec, wn] = co_await http::async_write(stream, gone, as_tuple(use_awaitable));
        co_return !wec && keep_alive;
    }
    auto res = to_http(r, req, rid);
    res.keep_alive(keep_alive);
    auto [wec, wn] = co_await http::async_write(stream, res, as_tuple(use_awaitable));
    co_return !wec && keep_alive;
}

// Half-closes and drains what the client is still sending (bounded in bytes and time), so a client
// that was answered before its body was read can finish its write and read the answer instead of
// failing with EPIPE.
template <class Stream>
awaitable<void> drain_and_close(Stream& stream, beast::tcp_stream& tcp) {
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
awaitable<void> refuse_oversized(Stream& stream, beast::tcp_stream& tcp, const http_header& head) {
    const std::string rid = new_uuid();
    auto res = to_http(problem(make_error(errc::payload_too_large, "the request is too large"), rid), head, rid);
    res.keep_alive(false);
    auto [wec, wn] = co_await http::async_write(stream, res, as_tuple(use_awaitable));
    if (!wec)
        co_await drain_and_close(stream, tcp);
}

// The 100 Continue a client that sent "Expect: 100-continue" waits for before sending a body.
template <class Stream>
awaitable<bool> send_continue(Stream& stream, const http_header& head) {
    auto expect = head.find(http::field::expect);
    if (expect == head.end() || !beast::iequals(expect->value(), "100-continue"))
        co_return true;
    http::response<http::empty_body> res{http::status::continue_, head.version()};
    auto [ec, n] = co_await http::async_write(stream, res, as_tuple(use_awaitable));
    co_return !ec;
}

template <class Stream>
awaitable<void> upgrade_to_events(Stream stream, http_request req, request_ctx& rc, session_env& env) {
    auto& sessions = env.sessions;
    auto* tcp = &beast::get_lowest_layer(stream);
    auto who = env.routes.gate().authenticate(rc.bearer);
    if (who && !who->allows("event:read"))
        who = make_error(errc::forbidden, "your roles do not grant event:read");
    if (!who) {
        auto res = to_http(problem(who.error(), rc.request_id), req, rc.request_id);
        co_await http::async_write(stream, res, as_tuple(use_awaitable));
        sessions.open.erase(tcp);
        co_return;
    }
    sessions.open.erase(tcp);
    tcp->expires_never();
    websocket::stream<Stream> ws(std::move(stream));
    tcp = &beast::get_lowest_layer(ws);
    sessions.open.insert(tcp);
    ws.set_option(websocket::stream_base::timeout::suggested(beast::role_type::server));
    auto [aec] = co_await ws.async_accept(req, as_tuple(use_awaitable));
    if (!aec)
        co_await stream_events(ws, env.events, *who);
    sessions.open.erase(tcp);
}

// What a request got, and whether its body was left unread (the connection cannot be reused then).
struct answered {
    response r;
    bool body_unread = false;
};

// A request whose route streams the body to its handler (uploads): the handler reads it as it arrives,
// with the route's own limits. nullopt: the connection is done.
template <class Stream>
awaitable<std::optional<answered>> answer_streamed(Stream& stream, beast::flat_buffer& buffer,
                                                   http::request_parser<http::empty_body>& head_parser,
                                                   const http_header& head, request_ctx& rc, session_env& env) {
    http::request_parser<http::buffer_body> body_parser(std::move(head_parser));
    body_parser.body_limit(boost::none);
    if (!co_await send_continue(stream, head))
        co_return std::nullopt;
    http_body_source<Stream, http::request_parser<http::buffer_body>> body(
        stream, buffer, body_parser, beast::get_lowest_layer(stream), env.settings.request_timeout_s);
    rc.body_stream = &body;
    answered a;
    a.r = co_await handle(env, rc);
    a.body_unread = !body_parser.is_done();
    co_return a;
}

// A request whose body is read whole first (at most max_body_bytes). nullopt: the connection is done:
// refused, broken, or handed to the events WebSocket (`upgraded`; the stream is moved away then).
template <class Stream>
awaitable<std::optional<answered>> answer_buffered(Stream& stream, beast::flat_buffer& buffer,
                                                   http::request_parser<http::empty_body>& head_parser,
                                                   const http_header& head, request_ctx& rc, session_env& env,
                                                   bool& upgraded) {
    auto& tcp = beast::get_lowest_layer(stream);
    const auto limit = static_cast<std::uint64_t>(env.settings.max_body_bytes);
    http::request_parser<http::string_body> body_parser(std::move(head_parser));
    body_parser.body_limit(limit);
    if (body_parser.content_length() && *body_parser.content_length() > limit) {
        co_await refuse_oversized(stream, tcp, head);
        co_return std::nullopt;
    }
    if (!co_await send_continue(stream, head))
        co_return std::nullopt;
    auto [ec, n] = co_await http::async_read(stream, buffer, body_parser, as_tuple(use_awaitable));
    if (ec == http::error::body_limit)
        co_await refuse_oversized(stream, tcp, head);
    if (ec)
        co_return std::nullopt;
    http_request req = body_parser.release();
    rc.body_text = std::move(req.body());
    if (websocket::is_upgrade(req) && rc.path == "/api/v1/events") {
        upgraded = true;
        co_await upgrade_to_events(std::move(stream), std::move(req), rc, env);
        co_return std::nullopt;
    }
    answered a;
    a.r = co_await handle(env, rc);
    co_return a;
}

// The request as handlers see it, from its head.
request_ctx request_of(const http_header& head, const std::string& remote) {
    request_ctx rc{head.method(), {}, {}, {}, {}, {}, request_id_of(head), remote};
    split_target(head.target(), rc.path, rc.query);
    rc.bearer = bearer_of(head, rc.query);
    if (auto ct = head.find(http::field::content_type); ct != head.end())
        rc.content_type = std::string(ct->value());
    return rc;
}

template <class Stream>
awaitable<void> serve(Stream stream, session_env& env) {
    auto& sessions = env.sessions;
    const http_settings& cfg = env.settings;
    auto* tcp = &beast::get_lowest_layer(stream);
    sessions.open.insert(tcp);
    boost::system::error_code ignored;
    const std::string remote = tcp->socket().remote_endpoint(ignored).address().to_string();
    beast::flat_buffer buffer;
    while (!sessions.stopping) {
        http::request_parser<http::empty_body> head_parser;
        head_parser.header_limit(16 * 1024);
        head_parser.body_limit(boost::none);                              // each body kind sets its own limit
        tcp->expires_after(std::chrono::seconds(cfg.request_timeout_s));  // slow clients are cut off
        auto [hec, hn] = co_await http::async_read_header(stream, buffer, head_parser, as_tuple(use_awaitable));
        if (hec == http::error::header_limit)
            co_await refuse_oversized(stream, *tcp, head_parser.get());
        if (hec)
            break;
        const http_header head = head_parser.get().base();
        bool keep_alive = head_parser.get().keep_alive();
        request_ctx rc = request_of(head, remote);
        const auto started = std::chrono::steady_clock::now();
        std::optional<answered> a;
        bool upgraded = false;
        if (env.routes.streams_body(rc.method, rc.path))
            a = co_await answer_streamed(stream, buffer, head_parser, head, rc, env);
        else
            a = co_await answer_buffered(stream, buffer, head_parser, head, rc, env, upgraded);
        if (upgraded)
            co_return;  // the stream belongs to the events WebSocket now
        if (!a)
            break;
        keep_alive = keep_alive && !a->body_unread;  // an unread body leaves the connection unusable
        const auto ms =
            std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
        // The query string is not logged: it may carry an access token.
        log::debug("http", "{} {} {} {} {}ms {}", remote, std::string(head.method_string()), rc.path,
                   static_cast<int>(a->r.status), ms.count(), rc.request_id);
        // Writes get their own deadline rather than whatever the read left behind (a long poll may have
        // outlived it); a file's pieces get one each (write_file).
        tcp->expires_after(std::chrono::seconds(30));
        const bool more = co_await write_response(stream, a->r, head, rc.request_id, keep_alive,
                                                  std::chrono::seconds(cfg.request_timeout_s));
        if (a->body_unread) {
            co_await drain_and_close(stream, *tcp);
            break;
        }
        if (!more)
            break;
    }
    sessions.open.erase(tcp);
    tcp->socket().shutdown(asio::ip::tcp::socket::shutdown_send, ignored);
}

// The answer to plain HTTP on the TLS port: a 400 saying to use https, then the connection closed.
awaitable<void> refuse_plain_http(beast::tcp_stream& tcp) {
    static constexpr std::string_view body = "This is an HTTPS port: use https:// in the URL.\n";
    const std::string reply = fmt::format(
        "HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{}",
        body.size(), body);
    tcp.expires_after(std::chrono::seconds(5));
    auto [wec, wn] = co_await asio::async_write(tcp, asio::buffer(reply), as_tuple(use_awaitable));
    if (!wec)  // the client may still be sending its request: let it finish so it reads the answer
        co_await drain_and_close(tcp, tcp);
}

}  // namespace

awaitable<void> run_plain_session(beast::tcp_stream stream, session_env& env) {
    co_await serve(std::move(stream), env);
}

awaitable<void> run_tls_session(beast::ssl_stream<beast::tcp_stream> stream, session_env& env) {
    auto& tcp = beast::get_lowest_layer(stream);
    tcp.expires_after(std::chrono::seconds(30));
    // A TLS client opens with a handshake record (0x16); a letter is a plain HTTP request line: answer
    // it in plain text (an empty reply teaches nobody anything), else hand the bytes to the handshake.
    std::array<char, 1> first{};
    auto [rec, rn] = co_await tcp.async_read_some(asio::buffer(first), as_tuple(use_awaitable));
    if (rec || rn == 0)
        co_return;
    if (std::isalpha(static_cast<unsigned char>(first[0]))) {
        co_await refuse_plain_http(tcp);
        co_return;
    }
    auto [ec, used] = co_await stream.async_handshake(asio::ssl::stream_base::server, asio::buffer(first, rn),
                                                      as_tuple(use_awaitable));
    if (ec)
        co_return;
    co_await serve(std::move(stream), env);
}

}  // namespace kumo::api
