#pragma once
// The HTTP(S) + WebSocket server: the routes under /api, the events stream at /api/v1/events, and the
// browser UI's files for every other path. Runs on the core thread.
#include "kumo/async/async.hpp"
#include "kumo/core/error.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <cstdint>
#include <memory>
#include <string>

namespace boost::asio::ssl {
class context;
}

namespace kumo {

class event_bus;
namespace api {
class router;
}

struct http_settings {
    std::int64_t request_timeout_s = 60;  // a client must send a whole request within this
    std::int64_t max_body_bytes = 1 << 20;
    std::string web_dir;  // the browser UI, served for paths outside /api
};

class http_server {
public:
    // `tls` null: plain HTTP (the configuration allows it on loopback only). `routes` and `events` must
    // outlive the server.
    http_server(asio::io_context& core, http_settings settings, const api::router& routes, event_bus& events,
                std::shared_ptr<asio::ssl::context> tls);
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
