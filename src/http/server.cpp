#include "kumo/http/server.hpp"

#include "kumo/async/spawn.hpp"
#include "kumo/core/log.hpp"
#include "session.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>

namespace kumo {
namespace beast = boost::beast;
using asio::ip::tcp;

struct http_server::impl {
    impl(asio::io_context& c, http_settings s, const api::router& r, event_bus& e,
         std::shared_ptr<asio::ssl::context> t)
        : core(c), settings(std::move(s)), tls(std::move(t)), acceptor(c), env{settings, r, e, sessions} {}

    awaitable<void> accept_loop() {
        asio::steady_timer pause(core);
        while (acceptor.is_open()) {
            auto [ec, socket] = co_await acceptor.async_accept(asio::as_tuple(asio::use_awaitable));
            if (ec) {
                if (!acceptor.is_open())
                    co_return;
                // E.g. EMFILE: keep serving the connections we have, and retry after a pause rather
                // than spin on an error that is still there.
                log::warn("http", "accept failed: {}; retrying in 100 ms", ec.message());
                pause.expires_after(std::chrono::milliseconds(100));
                (void)co_await pause.async_wait(asio::as_tuple(asio::use_awaitable));
                continue;
            }
            beast::tcp_stream stream(std::move(socket));
            auto on_end = [](std::exception_ptr e) { log_task_end("http", "connection handler", e); };
            if (tls)
                asio::co_spawn(core,
                               api::run_tls_session(beast::ssl_stream<beast::tcp_stream>(std::move(stream), *tls), env),
                               on_end);
            else
                asio::co_spawn(core, api::run_plain_session(std::move(stream), env), on_end);
        }
    }

    asio::io_context& core;
    http_settings settings;
    std::shared_ptr<asio::ssl::context> tls;
    tcp::acceptor acceptor;
    api::session_set sessions;
    api::session_env env;
};

http_server::http_server(asio::io_context& core, http_settings settings, const api::router& routes, event_bus& events,
                         std::shared_ptr<asio::ssl::context> tls)
    : impl_(std::make_unique<impl>(core, std::move(settings), routes, events, std::move(tls))) {}

http_server::~http_server() = default;

result<tcp::endpoint> http_server::listen(const std::string& host, std::uint16_t port) {
    boost::system::error_code ec;
    const tcp::endpoint ep(asio::ip::make_address(host, ec), port);
    if (ec)
        return make_error(errc::internal, "invalid listen address " + host);
    auto& a = impl_->acceptor;
    a.open(ep.protocol(), ec);
    if (!ec)
        a.set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec)
        a.bind(ep, ec);
    if (!ec)
        a.listen(asio::socket_base::max_listen_connections, ec);
    if (ec)
        return make_error(errc::internal,
                          "cannot listen on " + host + ":" + std::to_string(port) + ": " + ec.message());
    spawn_logged(impl_->core, impl_->accept_loop(), "http", "accept loop");
    return a.local_endpoint();
}

void http_server::stop() {
    boost::system::error_code ec;
    impl_->acceptor.close(ec);
    impl_->sessions.stopping = true;
    for (auto* s : impl_->sessions.open)
        s->socket().close(ec);
    impl_->sessions.open.clear();
}

result<std::shared_ptr<asio::ssl::context>> make_server_tls(const std::string& cert, const std::string& key) {
    auto ctx = std::make_shared<asio::ssl::context>(asio::ssl::context::tls_server);
    boost::system::error_code ec;
    ctx->set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                         asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 | asio::ssl::context::no_tlsv1_1,
                     ec);
    if (!ec)
        ctx->use_certificate_chain_file(cert, ec);
    if (!ec)
        ctx->use_private_key_file(key, asio::ssl::context::pem, ec);
    if (ec)
        return make_error(errc::internal, "cannot load TLS certificate " + cert + ": " + ec.message());
    return ctx;
}

}  // namespace kumo
