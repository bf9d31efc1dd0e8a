// `kumo login`: which certificate to pin, then the token.
#include "kit.hpp"
#include "kumo/core/certificate.hpp"
#include "session_store.hpp"

#include <fmt/format.h>
#include <cstdlib>
#include <cstring>

namespace kumo::cli {
namespace {

// The daemon's own machine: only there is a local data directory's certificate the server's.
bool is_loopback_url(const std::string& url) {
    for (const char* host : {"://127.0.0.1", "://localhost", "://[::1]"}) {
        const auto at = url.find(host);
        if (at != std::string::npos) {
            const char next = url.size() > at + std::strlen(host) ? url[at + std::strlen(host)] : '\0';
            if (next == '\0' || next == ':' || next == '/')
                return true;
        }
    }
    return false;
}

// The data directory to take the pin from: --data-dir, or for a loopback URL the daemon's default.
std::optional<std::string> pin_dir(const parsed_args& a, const std::string& url) {
    if (auto d = a.get("data-dir"))
        return *d;
    if (!is_loopback_url(url))
        return std::nullopt;
    const char* env = std::getenv("KUMO_DATA_DIR");
    return std::string(env ? env : "/var/lib/kumo");
}

// The pin for first contact (no --fingerprint, none stored): the local certificate when it is the one
// the server presents; otherwise an error that shows what the server presents.
result<std::string> first_contact_pin(const parsed_args& a, const std::string& url) {
    auto seen = api_client(url, "").server_fingerprint();
    if (!seen)
        return seen.error();
    const auto dir = pin_dir(a, url);
    if (dir) {
        const std::string cert = *dir + "/tls-cert.pem";
        auto local = certificate_fingerprint(cert);
        const auto mine = local ? normalize_fingerprint(*local) : result<std::string>(local.error());
        if (mine && *mine == *normalize_fingerprint(*seen))
            return *local;
        if (local)
            return make_error(errc::host_unreachable,
                              fmt::format("{} (SHA256 {}) is not the certificate {} presents (SHA256 {}): that data "
                                          "directory belongs to another daemon or an older certificate. Check the "
                                          "server's fingerprint and pass it with --fingerprint",
                                          cert, *local, url, *seen));
        if (a.get("data-dir"))
            return make_error(errc::host_unreachable,
                              fmt::format("cannot read {}; the server presents certificate SHA256 {}: check it "
                                          "against the one the daemon printed and pass it with --fingerprint",
                                          cert, *seen));
    }
    return make_error(errc::host_unreachable,
                      fmt::format("the server presents certificate SHA256 {}; check it against the one the daemon "
                                  "printed and pass it with --fingerprint",
                                  *seen));
}

json token_request(const parsed_args& a) {
    const std::optional<std::string> given =
        a.flag("password-stdin") ? std::optional<std::string>() : a.get("password");
    json body{{"username", a.get("username").value_or("admin")},
              {"password", a.flag("password-stdin") ? read_secret(std::nullopt, "KUMO_NO_SUCH_VARIABLE", "")
                                                    : read_secret(given, "KUMO_PASSWORD", "Password: ")}};
    if (auto p = a.get("project"))
        body["project"] = *p;
    if (auto d = a.get("domain"))
        body["domain"] = *d;
    if (a.flag("cloud"))
        body["scope"] = "cloud";
    return body;
}

void print_login(const cli_session& s, json body, output_mode out) {
    if (out != output_mode::table) {  // with the token: README's curl examples take it from here
        print_object(body, out);
        return;
    }
    const json& scoped = body["project"].is_object() ? body["project"] : body["domain"];
    fmt::print("logged in to {} as {} ({} {}), token expires {}\n", s.url, body["user"]["name"].get<std::string>(),
               body["scope"].get<std::string>(), scoped.is_object() ? scoped.value("name", "") : "cloud",
               body["expires_at"].get<std::string>());
}

}  // namespace

int login_cmd(const parsed_args& a, output_mode out) {
    cli_session s = load_session();
    if (auto u = a.get("url"); u && *u != s.url) {
        s.url = *u;
        s.fingerprint.clear();  // another server's pin says nothing about this one
    }
    if (s.url.empty())
        s.url = "https://127.0.0.1:8443";
    if (auto f = a.get("fingerprint")) {
        auto fp = normalize_fingerprint(*f);
        if (!fp)
            return usage("--fingerprint: " + fp.error().detail);
        s.fingerprint = *fp;
    }
    if (s.url.rfind("https://", 0) == 0 && s.fingerprint.empty()) {
        auto pin = first_contact_pin(a, s.url);
        if (!pin)
            return api_fail(pin.error().detail);
        s.fingerprint = *pin;
    }
    api_client client(s.url, s.fingerprint);
    auto r = client.send("POST", "/api/v1/auth/tokens", token_request(a));
    if (!r)
        return api_fail(r.error().detail);
    if (r->status != 201)
        return api_fail(describe_problem(*r));
    s.token = r->body["token"];
    if (auto saved = save_session(s); !saved)
        return api_fail(saved.error().detail);
    print_login(s, r->body, out);
    return 0;
}

}  // namespace kumo::cli
