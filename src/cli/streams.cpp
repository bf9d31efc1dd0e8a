// The client's long transfers: file uploads and downloads, and the event WebSocket.
#include "kumo/cli/client.hpp"

#include "transport.hpp"

#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <chrono>
#include <fstream>

namespace kumo::cli {
namespace {
using namespace transport;

// Writes the file through a buffer_body serializer, one chunk at a time, reporting progress.
template <class Stream>
result<void> write_file_body(Stream& stream, http::request<http::buffer_body>& req, std::ifstream& in,
                             std::uint64_t total, const progress_fn& progress) {
    beast::error_code ec;
    http::request_serializer<http::buffer_body> sr{req};
    req.body().data = nullptr;
    req.body().more = true;
    http::write_header(stream, sr, ec);
    std::vector<char> chunk(1 << 20);
    std::uint64_t sent = 0;
    while (!ec && sent < total) {
        in.read(chunk.data(), static_cast<std::streamsize>(std::min<std::uint64_t>(chunk.size(), total - sent)));
        const auto n = static_cast<std::size_t>(in.gcount());
        if (n == 0)
            return make_error(errc::internal, "the file shrank while it was being sent");
        sent += n;
        req.body().data = chunk.data();
        req.body().size = n;
        req.body().more = sent < total;
        http::write(stream, sr, ec);
        if (ec == http::error::need_buffer)
            ec = {};
        if (progress)
            progress(sent, total);
    }
    if (!ec && total == 0) {
        req.body().more = false;
        http::write(stream, sr, ec);
    }
    if (ec)
        return make_error(errc::host_unreachable, "sending the file: " + ec.message());
    return {};
}

}  // namespace

result<reply> api_client::send_file(const std::string& method, const std::string& path, const std::string& file,
                                    const progress_fn& progress) const {
    std::ifstream in(file, std::ios::binary);
    if (!in)
        return make_error(errc::bad_request, "cannot read " + file);
    in.seekg(0, std::ios::end);
    const auto total = static_cast<std::uint64_t>(in.tellg());
    in.seekg(0);
    http::request<http::buffer_body> req{http::string_to_verb(method), path, 11};
    req.set(http::field::host, host_);
    req.set(http::field::user_agent, "kumo-cli");
    req.set(http::field::content_type, "application/octet-stream");
    if (!token_.empty())
        req.set(http::field::authorization, "Bearer " + token_);
    req.content_length(total);
    req.keep_alive(false);
    const std::string where = host_ + ":" + port_;
    return with_connection(*this, [&](auto& stream, bool plain) -> result<reply> {
        auto sent = write_file_body(stream, req, in, total, progress);
        // An early answer (413, 409) may cut the upload short: the reply says why, so read it anyway.
        auto r = read_reply(stream, plain, where);
        if (!r && !sent)
            return sent.error();
        return r;
    });
}

result<reply> api_client::download(const std::string& path, const std::string& file) const {
    http::request<http::empty_body> req{http::verb::get, path, 11};
    req.set(http::field::host, host_);
    req.set(http::field::user_agent, "kumo-cli");
    if (!token_.empty())
        req.set(http::field::authorization, "Bearer " + token_);
    req.keep_alive(false);
    const std::string where = host_ + ":" + port_;
    return with_connection(*this, [&](auto& stream, bool plain) -> result<reply> {
        beast::error_code ec;
        http::write(stream, req, ec);
        beast::flat_buffer buf;
        http::response_parser<http::empty_body> head;
        head.body_limit(boost::none);
        if (!ec)
            http::read_header(stream, buf, head, ec);
        if (ec)
            return plain ? plain_read_error(where, ec)
                         : make_error(errc::host_unreachable, "download: " + ec.message());
        reply r;
        r.status = head.get().result_int();
        if (r.status / 100 != 2) {  // the problem body is small: read it as usual
            http::response_parser<http::string_body> rest{std::move(head)};
            http::read(stream, buf, rest, ec);
            r.body = json::parse(rest.get().body(), nullptr, false);
            if (r.body.is_discarded())
                r.body = json{{"raw", rest.get().body()}};
            return r;
        }
        http::response_parser<http::file_body> rest{std::move(head)};
        rest.get().body().open(file.c_str(), beast::file_mode::write, ec);
        if (ec)
            return make_error(errc::bad_request, "cannot write " + file + ": " + ec.message());
        http::read(stream, buf, rest, ec);
        if (ec)
            return make_error(errc::host_unreachable, "download: " + ec.message());
        return r;
    });
}

namespace {

// Reads events until `count` or the deadline. Beast's timeouts cover asynchronous operations only, so
// each read is asynchronous and the context runs until the deadline; reaching it is the normal end of
// `--timeout`.
template <class Ws>
result<void> read_events(asio::io_context& io, Ws& ws, const std::function<void(const json&)>& on_event,
                         std::int64_t count, std::int64_t timeout_s) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_s);
    beast::flat_buffer buf;
    for (std::int64_t seen = 0; count == 0 || seen < count; ++seen) {
        bool done = false;
        beast::error_code ec;
        buf.clear();
        ws.async_read(buf, [&](beast::error_code e, std::size_t) {
            ec = e;
            done = true;
        });
        io.restart();
        if (timeout_s > 0)
            io.run_until(deadline);
        else
            io.run();
        if (!done || ec == beast::websocket::error::closed)
            return {};
        if (ec)
            return make_error(errc::host_unreachable, "the event stream ended: " + ec.message());
        on_event(json::parse(beast::buffers_to_string(buf.data()), nullptr, false));
    }
    return {};
}

}  // namespace

result<void> api_client::watch_events(const std::function<void(const json&)>& on_event, std::int64_t count,
                                      std::int64_t timeout_s) const {
    asio::io_context io;
    KUMO_TRY(auto endpoints, resolve(io, host_, port_));
    asio::ssl::context ctx(asio::ssl::context::tls_client);
    ctx.set_verify_mode(asio::ssl::verify_none);  // trust comes from the pinned fingerprint
    beast::websocket::stream<beast::ssl_stream<beast::tcp_stream>> ws(io, ctx);
    if (scheme_ != "https")
        return make_error(errc::bad_request, "kumo events needs an https:// URL");
    KUMO_TRY(auto seen, open_tls(ws.next_layer(), endpoints, host_ + ":" + port_));
    KUMO_TRY_VOID(check_pin(seen, fingerprint_));
    const std::string token = token_;
    ws.set_option(beast::websocket::stream_base::decorator(
        [token](beast::websocket::request_type& req) { req.set(http::field::authorization, "Bearer " + token); }));
    beast::websocket::response_type res;
    beast::error_code ec;
    ws.handshake(res, host_, "/api/v1/events", ec);
    if (ec)
        return make_error(errc::host_unreachable,
                          fmt::format("the event stream was refused (HTTP {}): {}", res.result_int(), ec.message()));
    return read_events(io, ws, on_event, count, timeout_s);
}

}  // namespace kumo::cli
