#pragma once
// The HTTP(S) + WebSocket server. Runs on the core thread.
#include "kumo/api/api_context.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <memory>

namespace boost::asio::ssl {
class context;
}

namespace kumo {

class http_server {
public:
    // `tls` null: plain HTTP (config allows it on loopback only).
    http_server(asio::io_context& core, api_context& ctx, std::shared_ptr<asio::ssl::context> tls);
    ~http_server();
    // Binds and starts accepting. Errors: internal with the OS reason (e.g. address in use).
    result<asio::ip::tcp::endpoint> listen(const std::string& host, std::uint16_t port);
    // Stops accepting new connections and closes idle and streaming ones.
    void stop();

private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

// An SSL context serving the given PEM certificate and key (TLS 1.2+).
result<std::shared_ptr<asio::ssl::context>> make_server_tls(const std::string& cert, const std::string& key);

}  // namespace kumo
