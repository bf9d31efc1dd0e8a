#pragma once
#include "kumo/http/router.hpp"

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

awaitable<void> run_plain_session(boost::beast::tcp_stream stream, const router& routes, api_context& ctx,
                                  session_set& sessions);
awaitable<void> run_tls_session(boost::beast::ssl_stream<boost::beast::tcp_stream> stream, const router& routes,
                                api_context& ctx, session_set& sessions);

// Serves a file below web_dir for GET paths outside /api (index.html for "/").
response static_file(const std::string& web_dir, const std::string& path);

// Streams events to an accepted WebSocket until either side closes.
template <class Stream>
awaitable<void> stream_events(Stream& ws, api_context& ctx, const principal& who);

}  // namespace kumo::api
