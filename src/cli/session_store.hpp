#pragma once
// Where `kumo login` keeps the URL, pinned fingerprint and token: $KUMO_CONFIG_DIR/cli.json or
// ~/.config/kumo/cli.json (mode 0600). KUMO_URL, KUMO_FINGERPRINT and KUMO_TOKEN override it.
#include "kumo/core/error.hpp"

#include <string>

namespace kumo::cli {

struct cli_session {
    std::string url;
    std::string fingerprint;
    std::string token;
};

cli_session load_session();
result<void> save_session(const cli_session& s);

}  // namespace kumo::cli
