#pragma once
// A minimal blocking WebSocket client over TLS for the events stream tests.
#include "kumo/core/json.hpp"

#include <memory>
#include <string>

namespace kumo::test {

class ws_client {
public:
    // Connects to <url>/api/v1/events with the token; throws when the upgrade is refused.
    ws_client(const std::string& url, const std::string& fingerprint, const std::string& token);
    ~ws_client();
    json next();  // the next event (blocks up to 10 s, then throws)

private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

}  // namespace kumo::test
