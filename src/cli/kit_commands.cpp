// The kit's own nouns: logout, op and events (login is in login.cpp).
#include "kit.hpp"
#include "session_store.hpp"

#include <fmt/format.h>

namespace kumo::cli {
namespace {

const std::vector<column> op_cols{
    {"ID", "id"}, {"KIND", "kind"}, {"STATUS", "status"}, {"RESOURCE", "resource"}, {"CREATED", "created_at"}};

int logout_cmd(cmd_env& e) {
    // Revoke on the server first: a token only forgotten locally would still work for whoever copied it.
    if (!call(e, "DELETE", "/api/v1/auth/tokens/current"))
        return 1;
    cli_session s = load_session();
    s.token.clear();
    if (auto saved = save_session(s); !saved)
        return api_fail(saved.error().detail);
    if (!e.as_json())
        fmt::print("logged out of {}; the token is revoked\n", s.url);
    return 0;
}

int events_cmd(cmd_env& e) {
    const auto count = e.args.integer("count");
    const auto timeout = e.args.integer("timeout");
    auto r = e.client.watch_events(
        [&](const json& ev) {
            if (e.as_table())
                fmt::print("{} {}:{} {} {}\n", ev.value("time", ""), ev.value("type", ""), ev.value("action", ""),
                           ev.value("id", ""), ev.contains("data") ? ev["data"].dump() : "");
            else if (e.as_json())
                fmt::print("{}\n", ev.dump());
            else
                fmt::print("{} {} {}\n", ev.value("type", ""), ev.value("action", ""), ev.value("id", ""));
            std::fflush(stdout);
        },
        count.value_or(0), timeout.value_or(0));
    if (!r)
        return api_fail(r.error().detail);
    return 0;
}

}  // namespace

std::vector<noun_spec> kit_nouns() {
    const std::string fp_help =
        "the server certificate's SHA-256 as `kumo serve` printed it (SHA256 AA:BB:...), as SHA256:base64 "
        "(ssh-keygen style), `sha256 Fingerprint=AA:..` (openssl) or bare hex";
    return {
        {"login",
         "log in and store the URL, the pinned certificate and the token",
         {{"",
           "log in",
           {},
           {opt("url", "https://HOST:PORT of the daemon (default https://127.0.0.1:8443)"),
            opt("username", "user name (default admin)"),
            opt("password", "password (else KUMO_PASSWORD, a prompt on a terminal, or one line of stdin)"),
            opt_flag("password-stdin", "read the password from one line of stdin"),
            opt("project", "scope the token to this project"), opt("domain", "the user's (or scope's) domain"),
            opt_flag("cloud", "a cloud-scoped token"), opt("fingerprint", fp_help),
            opt("data-dir",
                "read the pin from DIR/tls-cert.pem (default for a loopback URL: $KUMO_DATA_DIR or /var/lib/kumo)")},
           nullptr}}},
        {"logout", "revoke the stored token and forget it", {{"", "log out", {}, {}, logout_cmd}}},
        {"op",
         "operations (what 202 replies started)",
         {{"list",
           "list operations",
           {},
           {},
           [](cmd_env& e) { return list_reply(e, "/api/v1/operations?limit=1000", op_cols); }},
          {"show",
           "show one operation",
           {"OP"},
           {},
           [](cmd_env& e) { return print_reply(e, call(e, "GET", "/api/v1/operations/" + e.args.positional[2])); }},
          {"wait",
           "wait until the operation ends",
           {"OP"},
           {opt_integer("timeout", "seconds to wait (default 600)", 1, 86400)},
           [](cmd_env& e) { return wait_operation(e, e.args.positional[2], e.args.integer("timeout").value_or(600)); }},
          {"cancel",
           "cancel a running operation",
           {"OP"},
           {},
           [](cmd_env& e) {
               return print_reply(e, call(e, "DELETE", "/api/v1/operations/" + e.args.positional[2]));
           }}}},
        {"events",
         "follow the event stream (/api/v1/events); one line per event",
         {{"",
           "follow events",
           {},
           {opt_integer("count", "stop after N events", 1, 1000000),
            opt_integer("timeout", "stop after S seconds", 1, 86400)},
           events_cmd}}},
    };
}

}  // namespace kumo::cli
