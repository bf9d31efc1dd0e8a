#pragma once
// Outbound HTTP: one GET on a connection to an address the caller already resolved and checked (no name
// lookup here, so no DNS rebinding between the check and the connection). HTTPS verifies the
// certificate against the system's store and the URL's host name. Core thread.
#include "kumo/async/async.hpp"
#include "kumo/http/byte_source.hpp"

#include <chrono>
#include <functional>
#include <string>

namespace kumo {

struct fetch_target {
    std::string scheme;   // http | https
    std::string host;     // for Host, SNI and the certificate check (an IPv6 address without brackets)
    std::string port;     // "80", "443", ...
    std::string target;   // path and query
    std::string address;  // the numeric address to connect to
};

struct fetch_answer {
    unsigned status = 0;
    std::string location;  // a redirect's Location header, when it has one
};

// Hands a 200 answer's body to its reader as it arrives.
using body_taker = std::function<awaitable<result<void>>(byte_source& body)>;

// Sends the GET and reads the answer's head; a 200's body goes to `take` (each read may be silent for
// `idle`, the whole transfer ends at `deadline`); other answers are returned unread.
// Errors: host_unreachable (connect, TLS, sending, no answer), take's own.
awaitable<result<fetch_answer>> fetch_once(fetch_target t, body_taker take, std::chrono::seconds idle,
                                           std::chrono::steady_clock::time_point deadline);

}  // namespace kumo
