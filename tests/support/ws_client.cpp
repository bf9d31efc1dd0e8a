#include "ws_client.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>

namespace kumo::test {
namespace beast = boost::beast;
namespace asio = boost::asio;

struct ws_client::impl {
    asio::io_context io;
    asio::ssl::context ctx{asio::ssl::context::tls_client};
    beast::websocket::stream<beast::ssl_stream<beast::tcp_stream>> ws{io, ctx};
};

ws_client::ws_client(const std::string& url, const std::string&, const std::string& token)
    : impl_(std::make_unique<impl>()) {
    // The fingerprint pin is exercised by the CLI client tests; here the daemon is our own child.
    const std::string rest = url.substr(url.find("://") + 3);
    const std::string host = rest.substr(0, rest.rfind(':'));
    const std::string port = rest.substr(rest.rfind(':') + 1);
    asio::ip::tcp::resolver resolver(impl_->io);
    beast::get_lowest_layer(impl_->ws).connect(resolver.resolve(host, port));
    beast::get_lowest_layer(impl_->ws).expires_after(std::chrono::seconds(10));
    impl_->ws.next_layer().handshake(asio::ssl::stream_base::client);
    impl_->ws.set_option(beast::websocket::stream_base::decorator([token](beast::websocket::request_type& req) {
        req.set(beast::http::field::authorization, "Bearer " + token);
    }));
    impl_->ws.handshake(host, "/api/v1/events");
}

ws_client::~ws_client() = default;

json ws_client::next() {
    beast::get_lowest_layer(impl_->ws).expires_after(std::chrono::seconds(10));
    beast::flat_buffer buf;
    impl_->ws.read(buf);
    return json::parse(beast::buffers_to_string(buf.data()));
}

}  // namespace kumo::test
