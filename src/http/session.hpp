#pragma once
#include "kumo/http/router.hpp"
#include "kumo/http/server.hpp"
#include "kumo/operations/event_bus.hpp"

#include <boost/asio/cancellation_signal.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <set>

namespace kumo::api {

// Connections the server must be able to close on shutdown.
struct session_set {
    std::set<boost::beast::tcp_stream*> open;
    bool stopping = false;
};

// What every connection of one server shares.
struct session_env {
    const http_settings& settings;
    const router& routes;
    event_bus& events;
    session_set& sessions;
};

awaitable<void> run_plain_session(boost::beast::tcp_stream stream, session_env& env);
awaitable<void> run_tls_session(boost::beast::ssl_stream<boost::beast::tcp_stream> stream, session_env& env);

// Serves a file below web_dir for GET paths outside /api (index.html for "/").
response static_file(const std::string& web_dir, const std::string& path);

// Streams the events `who` may see to an accepted WebSocket until either side closes.
template <class Stream>
awaitable<void> stream_events(Stream& ws, event_bus& events, const principal& who);

}  // namespace kumo::api
